/**
 * Evaluates the CloudFormation intrinsics our serverless.yml files use, against
 * the local platform's resources: Ref, Fn::GetAtt, Fn::ImportValue, Fn::Join,
 * Fn::Sub, Fn::If (with the conditions evaluated false), Fn::Equals.
 */
export interface IntrinsicContext {
  region: string;
  accountId: string;
  imports: Record<string, string>;
  ref(logicalId: string): string | undefined;
  getAtt(logicalId: string, attribute: string): string | undefined;
  condition?(name: string): boolean;
}

export function resolveIntrinsics(value: unknown, ctx: IntrinsicContext): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, ctx));
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0]!;
    switch (key) {
      case 'Ref':
        return pseudo(String(arg), ctx) ?? need(ctx.ref(String(arg)), `Ref ${String(arg)}`);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
        return need(ctx.getAtt(id!, attr!), `Fn::GetAtt ${id}.${attr}`);
      }
      case 'Fn::ImportValue': {
        const name = String(resolveIntrinsics(arg, ctx));
        return need(ctx.imports[name], `Fn::ImportValue ${name} (no local resource exports it)`);
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        return (resolveIntrinsics(parts, ctx) as unknown[]).map(String).join(sep);
      }
      case 'Fn::Sub':
        return substitute(arg, ctx);
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return resolveIntrinsics(ctx.condition?.(condition) ? whenTrue : whenFalse, ctx);
      }
      case 'Fn::Equals': {
        const [a, b] = resolveIntrinsics(arg, ctx) as [unknown, unknown];
        return a === b;
      }
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, ctx)]));
}

function pseudo(name: string, ctx: IntrinsicContext): string | undefined {
  if (name === 'AWS::Region') return ctx.region;
  if (name === 'AWS::AccountId') return ctx.accountId;
  if (name === 'AWS::Partition') return 'aws';
  if (name === 'AWS::URLSuffix') return 'amazonaws.com';
  if (name === 'AWS::StackName') return 'local';
  return undefined;
}

function need(value: string | undefined, what: string): string {
  if (value === undefined) throw new Error(`local platform: cannot resolve ${what}`);
  return value;
}

function substitute(arg: unknown, ctx: IntrinsicContext): string {
  const [template, vars] = Array.isArray(arg)
    ? (arg as [string, Record<string, unknown>])
    : [String(arg), {}];
  return template.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    if (name in vars) return String(resolveIntrinsics(vars[name], ctx));
    const p = pseudo(name, ctx);
    if (p !== undefined) return p;
    const [id, attr] = name.split('.');
    return attr ? need(ctx.getAtt(id!, attr), `\${${name}}`) : need(ctx.ref(id!), `\${${name}}`);
  });
}
