// The sections of the app, shared by the navbar and the quick search.
import type { ComponentType, SVGProps } from 'react';
import type { Role } from '@/lib/auth';
import { AuditIcon, CartIcon, MessageIcon, PhoneIcon, RouteIcon, UsersIcon } from './icons';

export interface NavItem {
  to: string;
  label: string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  role?: Role;
}

export const NAV_ITEMS: NavItem[] = [
  { to: '/numbers', label: 'Numbers', icon: PhoneIcon },
  { to: '/buy', label: 'Buy numbers', icon: CartIcon },
  { to: '/routes', label: 'Routes', icon: RouteIcon },
  { to: '/messages', label: 'Messages', icon: MessageIcon },
];

export const ADMIN_NAV_ITEMS: NavItem[] = [
  { to: '/admin/staff', label: 'Staff', icon: UsersIcon, role: 'admin' },
  { to: '/admin/audit', label: 'Audit log', icon: AuditIcon, role: 'admin' },
  { to: '/system/outcomes', label: 'Unsettled changes', icon: AuditIcon, role: 'admin' },
];
