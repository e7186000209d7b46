/** Public types of the DocuSign emulator. */
import type { KeyObject } from 'node:crypto';

/** Options of startEmulator(); every (U) choice is an option with the default the reference leans to. */
export interface EmulatorOptions {
  /** OAuth host port; 0 = random (default 0). */
  port?: number;
  /** Ports of the REST hosts; default [0]. Each REST host is a separate server, like demo.docusign.net. */
  restPorts?: number[];
  /** The JWT grant records consent itself instead of answering consent_required. */
  autoConsent?: boolean;
  /** Added to every response. */
  latencyMs?: number;
  /** 0..1 probability per REST request of an injected fault (503 / 429 / reset, before or after carrying out). */
  faultRate?: number;
  /** Access token lifetime, default 3600. */
  tokenTtlSeconds?: number;
  /** Recipient view URL lifetime, default 300. */
  viewTtlSeconds?: number;
  /** (U) status of ENVELOPE_DOES_NOT_EXIST, default 400. */
  envelopeNotFoundStatus?: 400 | 404;
  /** (U) status of HOURLY_APIINVOCATION_LIMIT_EXCEEDED, default 400. */
  hourlyLimitStatus?: 400 | 429;
  /** (U) status of BURST_APIINVOCATION_LIMIT_EXCEEDED, default 400. */
  burstLimitStatus?: 400 | 429;
  /** Per-account limits; defaults 3000 / 200 / 30. */
  rateLimit?: { hourly?: number; burst?: number; burstWindowSeconds?: number };
  /** (U) default false: accept an assertion whose exp is more than 1 h after iat and cap expires_in. */
  rejectExpBeyondOneHour?: boolean;
  /** (U) default false: accept an assertion whose iat lies in the future. */
  rejectFutureIat?: boolean;
  /** Default 35_651_584 (413 above). */
  maxRequestBytes?: number;
  /** ms clock, for skew and expiry tests. */
  now?: () => number;
  /** 'demo' seeds an integration, a user with two accounts and a key pair (see seedDemo). Default 'none'. */
  seed?: 'demo' | 'none';
  /** No console output. */
  quiet?: boolean;
  /** Check anchor strings against the documents' text layer (approximate); default true. */
  checkAnchors?: boolean;
  /** (U) compare the view request's email case-insensitively; default true. */
  viewEmailCaseInsensitive?: boolean;
  /** (U) status of a REST path with a malformed %-escape: 400 INVALID_REQUEST_PARAMETER (default) or 404 RESOURCE_NOT_FOUND. */
  malformedPathStatus?: 400 | 404;
  /** `asynchronous: true` creates: how long the envelope stays `processing`; default 100 ms. */
  asyncProcessingMs?: number;
  /** (U) default false: an `asynchronous` create DocuSign would refuse is refused at once; true answers Processing and creates nothing. */
  asyncFailuresInBackground?: boolean;
  /**
   * (U) errorCodes of limits whose code is not sourced; each defaults to INVALID_REQUEST_PARAMETER
   * (tabLabel > 500, custom field > 100, scaleValue outside 0.5–2.0, duplicate documentId, > 100 recipients).
   */
  uncertainErrorCodes?: Partial<Record<UncertainErrorCase, string>>;
  /** Bulk send: envelopes that may be queued per account at once; default 2000. */
  bulkQueueLimit?: number;
  /** Bulk send: delay before each copy is processed; default 20 ms. */
  bulkCopyDelayMs?: number;
}

/** Limits whose errorCode is not sourced (see EmulatorOptions.uncertainErrorCodes). */
export type UncertainErrorCase = 'tabLabelTooLong' | 'customFieldTooLong' | 'scaleValueOutOfRange' | 'duplicateDocumentId' | 'tooManyRecipients';

/** One request as the emulator saw it. */
export interface RequestLogEntry {
  at: number;
  host: 'oauth' | 'rest';
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** Request headers with Authorization redacted. */
  requestHeaders: Record<string, string>;
  bodyBytes: number;
  errorCode?: string;
  fault?: string;
  /** The stack of an emulator bug that answered 500 (kept here, never sent to the client). */
  internalError?: string;
}

/** A stored document (bytes decoded). */
export interface EmulatorDocument {
  documentId: string;
  documentIdGuid: string;
  name: string;
  fileExtension: string;
  bytes: Buffer;
  pages?: number;
  order: string;
  /** Other fields as sent (strings), without documentBase64. */
  fields: Record<string, unknown>;
}

/** A stored recipient (all scalars as strings, as DocuSign returns them). */
export interface EmulatorRecipient {
  recipientId: string;
  recipientIdGuid: string;
  recipientType: string;
  name: string;
  email: string;
  routingOrder: string;
  status: string;
  roleName?: string;
  clientUserId?: string;
  tabs?: Record<string, Record<string, unknown>[]>;
  sentDateTime?: string;
  deliveredDateTime?: string;
  signedDateTime?: string;
  declinedDateTime?: string;
  declinedReason?: string;
  [k: string]: unknown;
}

/** The recipient arrays of an envelope, keyed like the REST API (signers, carbonCopies, …). */
export type RecipientGroups = Record<string, EmulatorRecipient[]>;

/** A stored envelope. */
export interface EmulatorEnvelope {
  envelopeId: string;
  accountId: string;
  status: string;
  emailSubject: string;
  emailBlurb?: string;
  documents: EmulatorDocument[];
  recipients: RecipientGroups;
  customFields?: Record<string, unknown>;
  transactionId?: string;
  templateIds: string[];
  createdDateTime: string;
  sentDateTime?: string;
  deliveredDateTime?: string;
  completedDateTime?: string;
  declinedDateTime?: string;
  voidedDateTime?: string;
  voidedReason?: string;
  statusChangedDateTime: string;
  lastModifiedDateTime: string;
  /** ms timestamps of the same, for filters. */
  createdMs: number;
  changedMs: number;
  senderUserId: string;
  bulkBatchId?: string;
  /** Notification emails DocuSign would have sent (embedded recipients get none). */
  emails: { recipientId: string; email: string; at: number; kind: 'invitation' | 'completed' }[];
  /** Other top-level fields as sent (strings). */
  extra: Record<string, unknown>;
}

/** A fault to inject. */
export interface FaultSpec {
  method?: string;
  /** String: the path equals or ends with it; RegExp: tested against path + query. */
  path?: string | RegExp;
  host?: 'oauth' | 'rest';
  kind: 'status' | 'reset' | 'hang';
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** 'after' = carry the request out, then lose/replace the answer. Default 'before'. */
  when?: 'before' | 'after';
  /** How many matching requests it hits; default 1. */
  times?: number;
}

/** The running emulator. */
export interface Emulator {
  oauthUrl: string;
  oauthHost: string;
  restUrls: string[];
  addIntegration(i: {
    integrationKey?: string;
    publicKeys?: (string | KeyObject)[];
    redirectUris?: string[];
    name?: string;
  }): { integrationKey: string };
  addUser(u: {
    userId?: string;
    name: string;
    email: string;
    /** `accountNumber`: the external account number (default: 8 digits derived from the GUID). */
    accounts: { accountId?: string; accountNumber?: string; name?: string; isDefault?: boolean; restIndex?: number }[];
  }): { userId: string; accounts: { accountId: string; accountNumber: string; baseUri: string }[] };
  grantConsent(integrationKey: string, userId: string, scopes?: string[]): void;
  revokeConsent(integrationKey: string, userId: string): void;
  revokeTokens(): void;
  addTemplate(accountId: string, template: object): string;
  injectFault(f: FaultSpec): void;
  clearFaults(): void;
  setConfig(patch: Partial<EmulatorOptions>): void;
  requests: RequestLogEntry[];
  clearLog(): void;
  state: {
    envelopes(accountId?: string): EmulatorEnvelope[];
    envelope(id: string): EmulatorEnvelope | undefined;
    consents(): { integrationKey: string; userId: string; scopes: string[] }[];
    tokenRequests(): number;
    lastAssertionClaims(): Record<string, unknown> | undefined;
    /** Notification emails recorded across envelopes (BR-17). */
    emails(): { envelopeId: string; recipientId: string; email: string; kind: string }[];
  };
  signingPage: { sign(url: string, action?: 'finish' | 'decline' | 'later'): Promise<{ redirect: string }> };
  consentPage: { allow(url: string, email: string): Promise<{ redirect: string }> };
  close(): Promise<void>;
}
