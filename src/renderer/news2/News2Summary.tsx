/**
 * NEWS2 on the monitor: the total in its RCP risk band's colour (news2.css, the same classes as the
 * NEWS2 screen) and the age of its oldest input, as a button that opens the NEWS2 screen.
 */
import { useState } from 'react';
import type { News2StatePayload } from '../../shared/contract-clinical';
import { useSecondTicks } from '../access/use-access';
import { formatAge } from '../format/display-format';
import { oldestInputAt } from './news2-summary';
import { RISK_WORDS } from './news2-words';
import './news2.css';

export function News2Summary({ state, onOpen }: { state: News2StatePayload | null; onOpen(): void }) {
  const [now, setNow] = useState(() => Date.now());
  const assessment = state?.assessment ?? null;
  useSecondTicks(assessment?.ok === true, setNow);
  const oldest = assessment?.ok ? oldestInputAt(assessment) : null;
  const risk = assessment?.ok ? assessment.result.risk : null;
  const missing = assessment && !assessment.ok ? assessment.problems.length : null;
  return (
    <button type="button" className="news2-summary" data-action="open-news2" data-news2-risk={risk ?? 'none'} onClick={onOpen}>
      <span className="news2-summary-label">NEWS2</span>
      <span className={`news2-summary-total${risk ? ` risk-${risk}` : ''}`} data-role="news2-summary-total">
        {assessment?.ok ? assessment.result.total : '---'}
      </span>
      <span className="news2-summary-detail">
        {risk ? RISK_WORDS[risk] : missing === null ? 'Loading…' : `Cannot score: ${missing} input${missing === 1 ? '' : 's'} missing or too old`}
      </span>
      <span className="news2-summary-detail" data-role="news2-summary-age">
        {oldest === null ? '' : `Oldest input ${formatAge(now - oldest)}`}
      </span>
    </button>
  );
}
