// Placeholder written by the shell owner so the router has this feature's entry; the feature owner replaces it.
import type { RouteObject } from 'react-router';

export const routes: RouteObject[] = [
  {
    path: '/admin/staff',
    lazy: async () => {
      const { PageHeader } = await import('@/components/page-header');
      return {
        Component: () => <PageHeader title="Staff" description="This section is being built." />,
      };
    },
  },
];
