// The sections of the app, shared by the navbar and the quick search, and which of them a role is offered.
import type { ComponentType, SVGProps } from 'react';
import { hasRole, type CurrentUser, type Role } from '@/lib/auth';
import { AuditIcon, CartIcon, MessageIcon, PhoneIcon, RouteIcon, SearchIcon, UsersIcon } from './icons';

export interface NavItem {
  to: string;
  label: string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  /** Shown only to users with at least this role. */
  role?: Role;
  /** Shown only to users *without* this role (the read-only counterpart of a `role` item). */
  belowRole?: Role;
}

export const NAV_ITEMS: NavItem[] = [
  { to: '/numbers', label: 'Numbers', icon: PhoneIcon },
  // Buying is admin-only (DESIGN.md roles); everyone may read the inventory, so others get it read-only.
  { to: '/buy', label: 'Buy numbers', icon: CartIcon, role: 'admin' },
  { to: '/buy', label: 'Number inventory', icon: SearchIcon, belowRole: 'admin' },
  { to: '/routes', label: 'Routes', icon: RouteIcon },
  { to: '/messages', label: 'Messages', icon: MessageIcon },
];

export const ADMIN_NAV_ITEMS: NavItem[] = [
  { to: '/admin/staff', label: 'Staff', icon: UsersIcon, role: 'admin' },
  { to: '/admin/audit', label: 'Audit log', icon: AuditIcon, role: 'admin' },
  { to: '/system/outcomes', label: 'Unsettled changes', icon: AuditIcon, role: 'admin' },
];

/** The items of `items` this user is offered (nothing role-bound while the user is still unknown). */
export function navItemsFor(items: NavItem[], user: CurrentUser | null | undefined): NavItem[] {
  return items.filter(
    (item) =>
      (!item.role || hasRole(user, item.role)) &&
      (!item.belowRole || (user && !hasRole(user, item.belowRole))),
  );
}
