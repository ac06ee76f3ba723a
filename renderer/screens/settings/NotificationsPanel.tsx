import { useState } from 'react';
import { chooseNotifications, notificationsChosen } from '../../app/document-title';

// The operator's opt-in for a desktop notification when new items need
// attention: kept on this computer; the permission is asked when it is turned on.

const PERMISSION_WORDS: Record<NotificationPermission | 'unsupported', string> = {
  granted: 'Notifications are allowed.',
  default: 'The system has not been asked yet.',
  denied: 'The system blocks notifications from CA Desk: allow them in its settings.',
  unsupported: 'This window cannot show notifications.',
};

export function NotificationsPanel() {
  const [on, setOn] = useState(notificationsChosen);
  const [permission, setPermission] = useState<string | null>(null);
  return (
    <section className="panel" aria-labelledby="notify-title">
      <h2 id="notify-title">Notifications</h2>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={on}
          onChange={(e) => {
            const next = e.target.checked;
            setOn(next);
            void chooseNotifications(next).then((p) => setPermission(next ? PERMISSION_WORDS[p] : null));
          }}
        />
        Desktop notification when new items need attention
      </label>
      <p className="hint" role="status" data-testid="notify-permission">
        {permission}
      </p>
    </section>
  );
}
