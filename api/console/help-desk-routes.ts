/**
 * The Help Desk's side of the console: any request found by its tracking number (one read by
 * `_id` of `tracking_numbers`, then of the request), and its acknowledgement email sent again.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Mailer } from '../../activities/mailer';
import { registrationIdSchema } from '../../domain/schemas';
import { HttpProblem, parse } from '../problem';
import { resendAcknowledgement } from './acknowledgement';
import { seeOther, sendPage } from './forms';
import { html } from './html';
import { errorsByField, errorSummary, field, page, type ErrorsByField } from './layout';
import { registrationDetail, requestByTrackingNumber, requestPath } from './requests';
import { admitted, signedOf, type ConsoleDeps, type SignedIn } from './session';

const TRACKING_NUMBER = /^IACS-\d{4}-\d{6}$/;
const lookUpQuerySchema = z.strictObject({
  trackingNumber: z.string().trim().toUpperCase().regex(TRACKING_NUMBER, 'must look like IACS-2026-000123').optional(),
});

export function helpDeskConsoleRoutes(deps: ConsoleDeps & { mailer?: Mailer }): Router {
  const router = Router();

  function lookUpPage(signed: SignedIn, opts: { value?: string; detail?: string; errors?: ErrorsByField } = {}) {
    return page(
      'Look up a request',
      html`<p>Find any registration or application-role request by the tracking number the applicant gives you.</p>
        ${errorSummary(opts.detail, opts.errors)}
        <form method="get" action="/console/help-desk" role="search" novalidate>
          ${field({ path: 'trackingNumber', label: 'Tracking number', value: opts.value, errors: opts.errors, hint: 'For example IACS-2026-000123.', required: true, autofocus: true, autocomplete: 'off' })}
          <button type="submit">Look up</button>
        </form>`,
      signedOf(signed),
    );
  }

  router.get('/console/help-desk', async (req, res) => {
    const signed = await admitted(req, res, deps, 'request:look-up');
    if (!signed) return;
    const raw = typeof req.query.trackingNumber === 'string' ? req.query.trackingNumber : undefined;
    const query = lookUpQuerySchema.safeParse(req.query);
    if (!query.success) {
      const errors = query.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(query)', message: i.message }));
      return sendPage(
        res,
        lookUpPage(signed, { value: raw, detail: 'The tracking number is not valid.', errors: errorsByField(errors, ['trackingNumber']) }),
        {
          status: 400,
        },
      );
    }
    const { trackingNumber } = query.data;
    if (trackingNumber === undefined) return sendPage(res, lookUpPage(signed));
    const found = await requestByTrackingNumber(trackingNumber);
    if (!found)
      return sendPage(
        res,
        lookUpPage(signed, {
          value: raw,
          detail: 'No request has this tracking number.',
          errors: errorsByField([{ path: 'trackingNumber', message: 'no request has this tracking number' }], ['trackingNumber']),
        }),
        { status: 404 },
      );
    seeOther(res, requestPath(found.kind, found.requestId));
  });

  router.post('/console/requests/registration/:id/acknowledgement', async (req, res) => {
    const signed = await admitted(req, res, deps, 'acknowledgement:resend');
    if (!signed) return;
    const id = parse(registrationIdSchema, req.params.id, 'registration id', 'id');
    const request = await registrationDetail(id);
    if (!request) throw new HttpProblem(404, 'no such request');
    if (!request.trackingNumber) throw new HttpProblem(409, 'this registration has not been submitted: it has no acknowledgement');
    if (!deps.mailer) throw new HttpProblem(503, 'no mail server is configured for the API');
    await resendAcknowledgement(
      deps.mailer,
      { registrationId: id, email: request.email, trackingNumber: request.trackingNumber },
      signed.caller.userId,
    );
    seeOther(res, `${requestPath('REGISTRATION', id)}?done=resent`);
  });

  return router;
}
