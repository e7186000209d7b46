import { ApiError } from '../errors.js';
import type { HttpResponse } from '../http/transport.js';

/** What to do next for the DocuSign errorCodes people meet most (README "Troubleshooting"). */
export const ERROR_HINTS: Record<string, string> = {
  USER_AUTHENTICATION_FAILED: 'The token was refused. Run the command again; if it persists, check the account id and its base URI (esign whoami).',
  AUTHORIZATION_INVALID_TOKEN: 'The token is expired, revoked or malformed. Run the command again to get a new one.',
  PARTNER_AUTHENTICATION_FAILED: 'The integration key is unknown or disabled here, or the REST base path is wrong. Check --env and esign whoami.',
  USER_DOES_NOT_BELONG_TO_SPECIFIED_ACCOUNT: 'The account id is not one of the user\'s accounts on this host. Run esign whoami and use an account it lists.',
  ENVELOPE_IS_INCOMPLETE: 'An envelope to be sent needs documents, recipients, signer tabs and an email subject.',
  ENVELOPE_HAS_DUPLICATE_RECIPIENTS: 'Two recipients share a recipientId (or are the same person twice in one role): make each recipientId unique.',
  INVALID_EMAIL_ADDRESS_FOR_RECIPIENT: 'Fix the recipient\'s email address in the template or in --role.',
  ANCHOR_TAB_STRING_NOT_FOUND: 'An anchor string is not in the document text. Check the spelling, or make the tab optional: ignoreIfNotPresent: true in an esign template, anchorIgnoreIfNotPresent: "true" in a web-app export or envelope definition.',
  TAB_PAGE_NUMBER_NOT_SPECIFIED: 'A tab has neither a position nor an anchor that was found: the anchor text may be missing (a scanned PDF has no text layer) or no pageNumber was given.',
  TAB_PAGENUMBER_IS_NOT_IN_DOCUMENT: 'A tab\'s page number is beyond the last page of its document.',
  TEMPLATE_ID_INVALID: 'No template with that id in this account. List them in the DocuSign web app or check --account-id.',
  ENVELOPE_DOES_NOT_EXIST: 'Check the envelope id, and that it belongs to this account (esign list).',
  ENVELOPE_INVALID_STATUS: 'The envelope is not in a state that allows this (a draft must be sent first, from the DocuSign web app; completed and voided envelopes cannot be signed).',
  ENVELOPE_CANNOT_VOID_INVALID_STATE: 'Only sent or delivered envelopes can be voided. A draft was never sent, so there is nothing to void (discard it in the DocuSign web app); completed, declined and voided envelopes cannot be voided.',
  UNKNOWN_ENVELOPE_RECIPIENT: 'Name, email and clientUserId must match the recipient exactly as sent; esign sign-url reads them from the envelope.',
  RECIPIENT_NOT_IN_SEQUENCE: 'That recipient\'s routing order has not come yet: the earlier recipients must sign first.',
  INVALID_REQUEST_BODY: 'DocuSign could not read the request body. Check the template with --dry-run.',
  INVALID_REQUEST_PARAMETER: 'A parameter has an invalid value; the message says which.',
  UNABLE_TO_LOAD_DOCUMENT: 'A document could not be read: give non-PDF documents the right fileExtension.',
  ACCOUNT_LACKS_PERMISSIONS: 'The account\'s plan lacks this feature.',
  USER_LACKS_PERMISSIONS: 'The impersonated user\'s role lacks this permission; ask an admin.',
  ENVELOPE_ALLOWANCE_EXCEEDED: 'The account has used up its envelope allowance.',
  HOURLY_APIINVOCATION_LIMIT_EXCEEDED: 'The hourly API limit is used up; wait for the next clock hour.',
  BURST_APIINVOCATION_LIMIT_EXCEEDED: 'Too many calls in 30 s; lower --concurrency.',
  HOURLY_ENVELOPE_POLLING_LIMIT_EXCEEDED: 'Polling limit for this envelope: read its status at most once every 15 minutes, or use Connect webhooks.',
  BURST_ENVELOPE_POLLING_LIMIT_EXCEEDED: 'Polling limit for this envelope: read its status at most once every 15 minutes, or use Connect webhooks.',
  HOURLY_APIINVOCATION_ENVELOPE_LIMIT_EXCEEDED: 'Too many calls for this one envelope this hour; wait before updating or reading it again.',
  BURST_APIINVOCATION_ENVELOPE_LIMIT_EXCEEDED: 'Too many calls for this one envelope in a short time; wait before trying again.',
  BULK_SEND_MAX_COPIES_EXCEEDED: 'A bulk send list holds at most 1,000 copies; esign splits larger batches itself.',
  BULK_SEND_ACCOUNT_HAS_TOO_MANY_QUEUED_ENVELOPES: 'The account\'s bulk send queue is full; wait for queued batches to finish.',
  RESOURCE_NOT_FOUND: 'The URL does not exist: check --env and the account\'s base URI.',
  UNSPECIFIED_ERROR: 'DocuSign reported an unspecified error; the message may say more. Try again, or check the documents.',
};

/** Makes an ApiError (exit 5) from a DocuSign error answer: its errorCode, message and a next step. */
export function explainApiError(res: HttpResponse, method: string, path: string): ApiError {
  let code: string | undefined;
  let message: string | undefined;
  try {
    const j = res.json<{ errorCode?: string; message?: string }>();
    code = typeof j.errorCode === 'string' ? j.errorCode : undefined;
    message = typeof j.message === 'string' ? j.message : undefined;
  } catch {
    /* HTML or empty body: DocuSign does that for some errors */
  }
  const trace = res.headers.get('x-docusign-tracetoken') ?? undefined;
  if (res.status === 413) {
    return new ApiError(`DocuSign refused the request as too large (HTTP 413) on ${method} ${path}`, {
      status: 413,
      hint: 'A single request may be about 35 MB including base64; split the documents over several envelopes or shrink them.',
      traceToken: trace,
    });
  }
  const what = code ? `${code}: ${message ?? ''}`.trim() : `HTTP ${res.status}`;
  return new ApiError(`DocuSign rejected ${method} ${path.replace(/\?.*$/, '')}: ${what}`, {
    status: res.status,
    errorCode: code,
    traceToken: trace,
    hint: (code && (ERROR_HINTS[code] ?? ERROR_HINTS[code.toUpperCase()])) ?? undefined,
    details: message ? { docusignMessage: message } : undefined,
  });
}
