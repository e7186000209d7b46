/** The template engine behind `esign send`: pure, network-free (see docs/templates.md). */
export { parseRoleFlag, parseVarFlag, loadVarsFile, type RoleAssignment } from './flags.js';
export { loadTemplate, classify, findEmbeddedDefinitions, type LoadedTemplate, type TemplateFormat } from './load.js';
export { buildEnvelope, type BuildOptions, type BuiltEnvelope, type RecipientSummary } from './build.js';
export { buildServerTemplateEnvelope } from './server-template.js';
export { abbreviateForDryRun } from './dry-run.js';
export { dataRowProblem, parseDataFile, validateRows, type DataRow } from './data.js';
export { DEFAULT_MAX_DOCUMENT_BYTES, MAX_REQUEST_BYTES, type DocumentPart } from './documents.js';
export { lookupVar, referencedVariables, rowProblem, ROW_PROBLEM } from './variables.js';
export { isValidEmail } from './validate.js';
