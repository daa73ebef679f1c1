// /numbers: the account's phone numbers.
import { PageHeader } from '@/components/page-header';

export function NumbersListPage() {
  return <PageHeader title="Numbers" description="Phone numbers on the Flowroute account." />;
}
