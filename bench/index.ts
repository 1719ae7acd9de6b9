/**
 * `npm run bench`: every benchmark, one JSON object per line on stdout,
 * each sluice figure beside a hand-written baseline run in the same
 * process so that ratios hold on a noisy machine. Run it alone.
 */
import { benchRddWordCount } from './rdd-word-count.js'
import { benchSqlBridge } from './sql-bridge.js'
import { benchStreamingState } from './streaming-state.js'
import { benchStreamingWordCount } from './streaming-word-count.js'

await benchRddWordCount()
await benchStreamingWordCount()
await benchStreamingState()
await benchSqlBridge()
