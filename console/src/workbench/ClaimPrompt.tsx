import type { RefObject } from 'react';

/** Shown while no task is held: the claim button, the shortcuts and the auto-next switch. */
export function ClaimPrompt({
  claimRef,
  busy,
  autoNext,
  onClaim,
  onAutoNext,
}: {
  claimRef: RefObject<HTMLButtonElement | null>;
  busy: boolean;
  autoNext: boolean;
  onClaim: () => void;
  onAutoNext: (on: boolean) => void;
}) {
  return (
    <div className="claim">
      <button ref={claimRef} type="button" className="primary" onClick={onClaim} disabled={busy} data-testid="claim-next">
        Claim next task
      </button>
      <p className="muted">
        Enter or Alt+N claims the highest-priority open task. Then: <kbd>Enter</kbd> submit, <kbd>Esc</kbd> skip,{' '}
        <kbd>Alt</kbd>+<kbd>R</kbd> release, <kbd>Alt</kbd>+<kbd>L</kbd> extend the lease.
      </p>
      <label className="check">
        <input type="checkbox" checked={autoNext} onChange={(e) => onAutoNext(e.target.checked)} />
        Claim the next task after each submit or skip
      </label>
    </div>
  );
}
