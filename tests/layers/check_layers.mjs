// The "never" rules of DESIGN.md, read from the sources' #include lines: which module may include
// which, Beast only in server/, the account rules never including account/web/, and no cycle
// between the folders of account/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// What each module may include besides itself; app/ is the composition root and sees all.
export const allowed = {
  core: [],
  server: ['core'],
  config: ['core'],
  storage: ['core'],
  net: ['core'],
  notify: ['core', 'config', 'storage'],
  account: ['core', 'config', 'storage', 'notify'],
  oidc: ['core', 'config', 'storage'],
  providers: ['core', 'config', 'storage', 'oidc', 'account', 'notify'],
};

// Inside an allowed module, the only folders a module may use.
export const allowedFolders = {
  providers: { oidc: ['oidc/jose/', 'oidc/keys/'] },
};

const includePattern = /^\s*#\s*include\s*([<"])([^>"]+)[>"]/gm;

// Every .hpp/.cpp under the modules: { path, includes: [{ quoted, target }] }.
export function readSources(root) {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(hpp|cpp)$/.test(name)) {
        const text = readFileSync(full, 'utf8');
        const includes = [...text.matchAll(includePattern)].map((m) => ({ quoted: m[1] === '"', target: m[2] }));
        files.push({ path: relative(root, full), includes });
      }
    }
  };
  for (const module of [...Object.keys(allowed), 'app']) {
    try {
      walk(join(root, module));
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
  }
  return files;
}

const moduleOf = (path) => path.split('/')[0];
const isAccountWeb = (path) => path.startsWith('account/web/');
// account/<folder> for a file of account/, else the module.
const folderOf = (path) => {
  const parts = path.split('/');
  return parts[0] === 'account' && parts.length > 2 ? `account/${parts[1]}` : parts[0];
};

// The folders of account/ that include each other, directly or through others.
function accountCycles(files) {
  const graph = new Map();
  for (const file of files) {
    if (moduleOf(file.path) !== 'account') continue;
    for (const { quoted, target } of file.includes) {
      if (!quoted || moduleOf(target) !== 'account') continue;
      const from = folderOf(file.path);
      const to = folderOf(target);
      if (from === to) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from).add(to);
    }
  }
  // Tarjan's strongly connected components; a component of more than one folder is a cycle.
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (v) => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

// Every broken rule, as a sentence naming the file and the include.
export function violations(files) {
  const found = [];
  for (const file of files) {
    const module = moduleOf(file.path);
    for (const { quoted, target } of file.includes) {
      if (!quoted) {
        if (module !== 'server' && /^boost\/(beast|asio)/.test(target))
          found.push(`${file.path} includes <${target}>: only server/ sees Beast and Asio`);
        continue;
      }
      const targetModule = moduleOf(target);
      const isModule = targetModule in allowed || targetModule === 'app';  // not "httplib.h"
      if (module !== 'app' && isModule && targetModule !== module && !allowed[module].includes(targetModule))
        found.push(`${file.path} includes "${target}": ${module}/ may include only ${allowed[module].join(', ') || 'itself'}`);
      const folders = allowedFolders[module]?.[targetModule];
      if (folders && !folders.some((f) => target.startsWith(f)))
        found.push(`${file.path} includes "${target}": ${module}/ may use only ${folders.join(', ')} of ${targetModule}/`);
      if (module === 'account' && !isAccountWeb(file.path) && isAccountWeb(target))
        found.push(`${file.path} includes "${target}": the account rules never include account/web/`);
    }
  }
  for (const cycle of accountCycles(files)) found.push(`the folders ${cycle.join(', ')} of account/ include each other`);
  return found;
}
