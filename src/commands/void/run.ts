import type { Context } from '../../context.js';
import { ApiError, UsageError } from '../../errors.js';
import { ERROR_HINTS } from '../../docusign/errors.js';
import { checkEnvelopeId } from '../status/envelope.js';
import { envelopeLimitError, isEnvelopeLimit } from '../status/run.js';

/** `esign void <id> --reason TEXT`: PUT the envelope with status voided. The reason is checked locally first. */
export async function runVoid(ctx: Context, rawId: string | undefined, o: { reason?: string }): Promise<number> {
  const id = checkEnvelopeId(rawId, 'void');
  const reason = (o.reason ?? '').trim();
  if (!reason) {
    throw new UsageError(o.reason === undefined ? 'esign void needs --reason' : '--reason is empty', {
      hint: `DocuSign requires a void reason and shows it to the recipients: esign void ${id} --reason "Sent by mistake"`,
    });
  }
  const callsBefore = ctx.transport.calls;
  try {
    await ctx.rest.json({ method: 'PUT', path: `/envelopes/${encodeURIComponent(id)}`, json: { status: 'voided', voidedReason: reason } });
  } catch (e) {
    if (e instanceof ApiError && isEnvelopeLimit(e.errorCode)) throw envelopeLimitError(e, id, 'void');
    if (e instanceof ApiError && /^(ENVELOPE_CANNOT_VOID_INVALID_STATE|ENVELOPE_INVALID_STATUS)$/i.test(e.errorCode ?? '')) {
      // A retried PUT whose first answer was lost: the first try may have voided it already.
      if (ctx.transport.calls - callsBefore > 1 && (await voidedWith(ctx, id, reason))) {
        ctx.printer.info(`the first answer was lost, but envelope ${id} is voided with this reason`);
        ctx.printer.result({ json: { envelopeId: id, status: 'voided', voidedReason: reason }, quiet: id, human: `voided ${id} (reason: ${reason})` });
        return 0;
      }
      throw new ApiError(`envelope ${id} cannot be voided in its current state (${e.errorCode}): ${String(e.details?.docusignMessage ?? '')}`.replace(/: $/, ''), {
        status: e.status,
        errorCode: e.errorCode,
        traceToken: e.traceToken,
        hint: `${ERROR_HINTS.ENVELOPE_CANNOT_VOID_INVALID_STATE} Check its state with \`esign status ${id}\`.`,
      });
    }
    if (e instanceof ApiError && /^ENVELOPE_DOES_NOT_EXIST$/i.test(e.errorCode ?? '')) {
      throw new ApiError(`envelope ${id} does not exist in this account (${e.errorCode})`, {
        status: e.status,
        errorCode: e.errorCode,
        traceToken: e.traceToken,
        hint: ERROR_HINTS.ENVELOPE_DOES_NOT_EXIST,
      });
    }
    throw e;
  }
  ctx.printer.result({
    json: { envelopeId: id, status: 'voided', voidedReason: reason },
    quiet: id,
    human: `voided ${id} (reason: ${reason})`,
  });
  return 0;
}

/** True when the envelope is voided with exactly this reason. */
async function voidedWith(ctx: Context, id: string, reason: string): Promise<boolean> {
  try {
    const env = await ctx.rest.json<{ status?: string; voidedReason?: string }>({ method: 'GET', path: `/envelopes/${encodeURIComponent(id)}` });
    return env.status?.toLowerCase() === 'voided' && (env.voidedReason ?? '').trim() === reason;
  } catch {
    return false;
  }
}
