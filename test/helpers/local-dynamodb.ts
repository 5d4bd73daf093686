export { repoRoot, startLocalDynamo } from '../../scripts/local/aws/standalone-dynamo.js';
