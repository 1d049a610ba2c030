import { type FormEvent, useEffect, useRef, useState } from 'react';
import { describeProblem } from '../api.client';

export interface PendingAction {
  /** Button and dialog title: "Promote", "Roll back to 1.4.0". */
  title: string;
  /** What will happen, in a sentence. */
  description: string;
  /** Destructive actions ask to confirm by ticking a box and use a danger button. */
  destructive: boolean;
  run(reason: string): Promise<unknown>;
}

/**
 * Every action asks for a reason (kept in the audit log and on the timeline); destructive ones also ask to confirm.
 * A native <dialog>: focus moves into it, Escape closes it, the rest of the page is inert while it is open.
 */
export function ActionDialog({ action, onClose, onDone }: { action: PendingAction | null; onClose(): void; onDone(message: string): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (action && !dialog.open) {
      setReason('');
      setConfirmed(false);
      setError(null);
      dialog.showModal();
    } else if (!action && dialog.open) dialog.close();
  }, [action]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!action) return;
    setBusy(true);
    setError(null);
    try {
      await action.run(reason.trim());
      onDone(`${action.title}: sent.`);
      onClose();
    } catch (err) {
      setError(describeProblem(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} className="dialog" aria-labelledby="action-title" onClose={onClose}>
      {action ? (
        <form onSubmit={(e) => void submit(e)}>
          <h2 id="action-title">{action.title}</h2>
          <p>{action.description}</p>
          <label htmlFor="action-reason">Reason (kept in the audit log)</label>
          <textarea id="action-reason" required minLength={2} maxLength={500} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
          {action.destructive ? (
            <label className="confirm">
              <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> I understand: {action.description}
            </label>
          ) : null}
          {error ? (
            <p role="alert" className="error">
              {error}
            </p>
          ) : null}
          <div className="dialog-buttons">
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className={action.destructive ? 'danger' : 'primary'} disabled={busy || reason.trim().length < 2 || (action.destructive && !confirmed)}>
              {busy ? 'Sending…' : action.title}
            </button>
          </div>
        </form>
      ) : null}
    </dialog>
  );
}
