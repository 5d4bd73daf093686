/** Sets these environment variables in this process; returns the undo (the environment as it was). */
export function setEnvironment(variables: Record<string, string>): () => void {
  const saved = { ...process.env };
  Object.assign(process.env, variables);
  return () => {
    process.env = saved;
  };
}
