// The walk serves the built plugin and runs the built backend: build either when it is missing or stale.
module.exports = async () => {
  const { ensureBuilt } = await import('../preview/ensure-built.mjs');
  ensureBuilt((line) => process.stderr.write(`${line}\n`));
};
