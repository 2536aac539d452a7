// Builds the spatlas map into dist/: the app sources from src/ and the distribution files of
// Leaflet and leaflet.markercluster from node_modules/. No bundler: the files are copied as they
// are (the app is plain ES modules), so the output depends only on the sources and the locked
// library versions, and the build works offline.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');

const appFiles = ['index.html', 'app.js', 'app.css', 'util.js', 'view.js', 'layers.js', 'panel.js', 'provision.js', 'plan.js'];
// Library files: [folder in node_modules, files in it, folder in dist].
const libraries = [
  [join('leaflet', 'dist'), ['leaflet.js', 'leaflet.css', 'images'], 'leaflet'],
  [join('leaflet.markercluster', 'dist'), ['leaflet.markercluster.js', 'MarkerCluster.css'], 'markercluster'],
  [join('chart.js', 'dist'), ['chart.umd.min.js'], 'chartjs'],
];

function fail(message) {
  console.error(`build: ${message}`);
  process.exit(1);
}

for (const f of appFiles) {
  if (!existsSync(join(src, f))) fail(`missing source file ${join(src, f)}`);
}
for (const [from, files] of libraries) {
  for (const f of files) {
    const path = join(root, 'node_modules', from, f);
    if (!existsSync(path)) fail(`missing ${path}: run "npm ci" in ${root} first`);
  }
}

// Empty dist/ but keep the placeholder that lets a clean checkout compile its go:embed.
mkdirSync(dist, { recursive: true });
for (const entry of readdirSync(dist)) {
  if (entry !== '.gitkeep') rmSync(join(dist, entry), { recursive: true, force: true });
}

for (const f of appFiles) cpSync(join(src, f), join(dist, f));
for (const [from, files, to] of libraries) {
  mkdirSync(join(dist, to));
  for (const f of files) cpSync(join(root, 'node_modules', from, f), join(dist, to, f), { recursive: true });
}

console.log(`build: wrote ${dist}`);
