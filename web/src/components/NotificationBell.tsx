import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';

/** How often the bell asks for the unread count while the page is open. */
const REFRESH_MS = 60_000;

/** The top bar's bell: the number of unread notifications, linking to the inbox. */
export function NotificationBell() {
  const unread = useQuery({
    queryKey: queryKeys.unreadNotifications(),
    queryFn: ({ signal }) => api.unreadNotifications(signal),
    refetchInterval: REFRESH_MS,
    staleTime: 0,
  });
  const count = unread.data?.unreadCount ?? 0;
  const label = count === 0 ? 'Notifications: none unread' : `Notifications: ${count} unread`;
  return (
    <Link to="/inbox" className="icon-button bell" title={label} aria-label={label} data-testid="notification-bell">
      <span aria-hidden="true">🔔</span>
      {count > 0 && (
        <span className="bell-count" data-testid="unread-count">
          {count > 99 ? '99+' : count}
        </span>
      )}
    </Link>
  );
}
