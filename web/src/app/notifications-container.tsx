// Imported only lazily (notifications-host.tsx): keeps Mantine's toast container out of the first route's JS.
export { Notifications } from '@mantine/notifications';
