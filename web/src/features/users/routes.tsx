// Routes of the staff feature (admin only); the app router picks this file up.
import type { RouteObject } from 'react-router';
import { StaffPage } from './pages/staff-page';

export const routes: RouteObject[] = [
  {
    path: '/admin/staff',
    element: <StaffPage />,
    handle: { role: 'admin', title: 'Staff', nav: { label: 'Staff', group: 'admin' } },
  },
];
