/**
 * `gcr configure --stack <name> --region <r>`: a profile from a deployed
 * stack's outputs (API URL, hosted UI domain, CLI app client, user pool),
 * named by --profile or after the stack.
 */
import { cloudFormationClient, readStackOutputs } from '../admin/stack-outputs.js';
import { profileFromOutputs, readProfiles, writeProfiles } from '../auth/profiles.js';
import type { RegisterCommand } from '../context.js';
import { nonEmpty } from '../options.js';

export const registerConfigure: RegisterCommand = (program, ctx) => {
  program
    .command('configure')
    .description("make a profile from a deployed stack's outputs (AWS credentials needed), then gcr login")
    .requiredOption(
      '--stack <name>',
      'the infrastructure stack (CloudFormation stack name)',
      nonEmpty('--stack'),
    )
    .requiredOption('--region <region>', 'its region', nonEmpty('--region'))
    .action(async (opts: { stack: string; region: string }) => {
      const outputs = await readStackOutputs(cloudFormationClient(opts.region), opts.stack);
      const profile = profileFromOutputs(outputs, opts);
      const name = ctx.globals.profile ?? opts.stack;
      const file = await readProfiles(ctx.io.env);
      file.profiles[name] = profile;
      // The first stack configured becomes the one in use.
      await writeProfiles(ctx.io.env, { ...file, current: file.current ?? name });
      if (ctx.json) {
        ctx.outJson({ profile: name, ...profile });
        return;
      }
      ctx.out(
        `Profile ${name}: API ${profile.apiUrl}, sign-in ${profile.authDomain}\nNext: gcr login --profile ${name}`,
      );
    });
};
