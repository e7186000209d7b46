#!/usr/bin/env bash
# The "done when", as a CI job would run it: environment variables only (no profile),
# --json everywhere, branching on exit codes. Needs: ESIGN_* in the environment, jq, $ESIGN (the command).
set -u
ESIGN=${ESIGN:-esign}

$ESIGN consent --check --json > consent.json
case $? in
  0) ;;
  3) echo "consent missing: open $(jq -r .consentUrl consent.json)" >&2; exit 3 ;;
  *) echo "cannot check consent" >&2; exit 1 ;;
esac

$ESIGN send templates/nda.yaml --json \
  --var counterparty.name="Pat Example" --var counterparty.email=pat@example.test --var company=Acme \
  --role "Legal=Lee Legal <legal@example.test>" > sent.json
rc=$?
case $rc in
  0) ;;
  2) echo "template or variables are wrong" >&2; exit 2 ;;
  5) echo "DocuSign refused: $(jq -r .error.details.errorCode sent.err 2>/dev/null)" >&2; exit 5 ;;
  6) echo "network or rate limit: retry later" >&2; exit 6 ;;
  *) exit "$rc" ;;
esac
ENVELOPE_ID=$(jq -r .envelopeId sent.json)

$ESIGN sign-url "$ENVELOPE_ID" --json > url.json || exit $?
jq -e '.url | startswith("http")' url.json > /dev/null || exit 1

$ESIGN status "$ENVELOPE_ID" --json > status.json || exit $?
STATUS=$(jq -r .status status.json)
if [ "$STATUS" = "sent" ] || [ "$STATUS" = "delivered" ]; then
  $ESIGN void "$ENVELOPE_ID" --reason "CI smoke test" --json > void.json || exit $?
fi

# A missing reason is a usage error (2): nothing is sent.
$ESIGN void "$ENVELOPE_ID" --json 2> usage.err
[ $? -eq 2 ] || { echo "void without --reason should exit 2" >&2; exit 1; }

# Voiding twice: DocuSign refuses (5); a script can tell that from the other failures.
$ESIGN void "$ENVELOPE_ID" --reason again --json 2> again.err
rc=$?
[ $rc -eq 5 ] || { echo "second void: expected 5, got $rc" >&2; exit 1; }
jq -e '.error.details.errorCode == "ENVELOPE_CANNOT_VOID_INVALID_STATE"' again.err > /dev/null || exit 1

echo "$ENVELOPE_ID $STATUS $(jq -r .status void.json)"
