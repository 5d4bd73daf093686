export { repoRoot, startLocalDynamo } from '#local/aws/standalone-dynamo.js';
