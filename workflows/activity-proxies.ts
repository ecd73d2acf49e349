/** How the workflows call their activities for short work (database writes, notices). */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';

/** 30 seconds a try, retried from 1 second up to a minute apart, for as long as it takes. */
const SHORT_WORK = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;

/**
 * A workflow's activities for short work, two ways: `remote`, scheduled through the Temporal
 * server, and `local`, for short database work that a message's answer waits for: run in the
 * worker within the workflow task, with no round trip through the server.
 */
export function shortWorkProxies<A>(): {
  remote: ReturnType<typeof proxyActivities<A>>;
  local: ReturnType<typeof proxyLocalActivities<A>>;
} {
  return { remote: proxyActivities<A>(SHORT_WORK), local: proxyLocalActivities<A>(SHORT_WORK) };
}
