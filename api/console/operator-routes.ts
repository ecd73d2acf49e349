/**
 * The operator's page of the console: signed in here, an operator's browser gets the session
 * once more in a cookie sent only to the payload codec (`/codec`), so that the Temporal Web UI,
 * calling the codec with its cross-origin credentials, shows inputs, results and update arguments
 * decoded. Without it (or once the session ends) the codec answers 401 and the UI shows them sealed.
 */
import { Router } from 'express';
import { sendPage } from './forms';
import { html } from './html';
import { page } from './layout';
import { admitted, CODEC_COOKIE, OPERATOR_PAGE, setCookie, signedOf, type ConsoleDeps } from './session';

export interface OperatorConsoleDeps extends ConsoleDeps {
  /** Where operators open the Temporal Web UI (config TEMPORAL_UI_URL), for the link. */
  temporalUiUrl?: string;
}

export function operatorConsoleRoutes(deps: OperatorConsoleDeps): Router {
  const router = Router();
  router.get(OPERATOR_PAGE, async (req, res) => {
    const signed = await admitted(req, res, deps, 'payload:decode');
    if (!signed) return;
    setCookie(res, deps, CODEC_COOKIE, signed.token, deps.sessionTtlMs, '/codec');
    const codec = `${deps.publicBaseUrl}/codec`;
    sendPage(
      res,
      page(
        'Decoding in the Temporal Web UI',
        html`<p class="notice" role="status">Decoding is on in this browser until you sign out or your session ends.</p>
          <p>
            Workflow inputs, results and update arguments are encrypted in Temporal. The Web UI decodes them by calling this service's codec
            at <code>${codec}</code>, which answers only a signed-in operator. Even decoded, no SSN, date of birth, code, password or answer
            is shown: the identity stays sealed with a key the codec does not hold.
          </p>
          <h2>Once per browser</h2>
          <ol>
            <li>
              Open the Temporal Web UI${deps.temporalUiUrl ? html` at <a href="${deps.temporalUiUrl}">${deps.temporalUiUrl}</a>` : ''} with
              the same host name as this page (<code>${new URL(deps.publicBaseUrl).hostname}</code>), so that the browser sends the cookie.
            </li>
            <li>Choose <strong>Codec Server</strong> (the button at the top right of the UI).</li>
            <li>
              Choose <strong>Use my browser setting</strong>, enter <code>${codec}</code>, and tick
              <strong>Include cross-origin credentials</strong>.
            </li>
            <li>Choose <strong>Apply</strong>.</li>
          </ol>
          <p>
            Find a request with the filter <code>TrackingNumber = "IACS-…"</code>, or by <code>RegistrationStatus</code>,
            <code>RegistrationRole</code>, <code>OrganizationId</code> or <code>RequestKind</code>.
          </p>`,
        signedOf(signed),
      ),
    );
  });
  return router;
}
