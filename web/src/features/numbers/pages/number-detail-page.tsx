// /numbers/:number: everything about one number.
import { useParams } from 'react-router';
import { PageHeader } from '@/components/page-header';
import { formatNanp } from '@/lib/format';

export function NumberDetailPage() {
  const { number = '' } = useParams();
  return <PageHeader title={formatNanp(number)} />;
}
