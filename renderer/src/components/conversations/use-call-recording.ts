/** A call item's `data.recording` (issue 16), when it is one main wrote: anything else reads as no recording. */
import type { RecordingState } from '../../../../common/bridge-contract.ts';
import { RecordingState as RecordingStateSchema } from '../../../../common/bridge-contract.ts';

export function recordingOf(data: Record<string, unknown>): RecordingState | null {
  const parsed = RecordingStateSchema.safeParse(data['recording']);
  return parsed.success ? parsed.data : null;
}
