// /routes/new: create an inbound route (host, SIP URI or phone number).
import { Anchor, Paper, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Link, useNavigate } from 'react-router';
import { PageHeader } from '@/components/page-header';
import { RouteForm } from '@/components/route-form';
import { Can } from '@/lib/auth';
import { routeLabel } from '@/lib/flowroute/routes';

export function RouteCreatePage() {
  const navigate = useNavigate();
  return (
    <>
      <PageHeader
        title="New route"
        description="A route is where Flowroute sends a number's inbound calls. Create it here, then set it as a number's primary or failover."
      />
      <Can
        role="operator"
        fallback={
          <Text>
            Your role can view routes but not create them.{' '}
            <Anchor component={Link} to="/routes">
              Back to routes
            </Anchor>
          </Text>
        }
      >
        <Paper withBorder p="lg" maw={640} radius="md">
          <RouteForm
            onCancel={() => void navigate('/routes')}
            onCreated={(route) => {
              notifications.show({ color: 'green', title: 'Route created', message: routeLabel(route) });
              void navigate('/routes', { state: { created: route } });
            }}
          />
        </Paper>
      </Can>
    </>
  );
}
