// Builds the spatlas map into dist/: the app sources from src/ and Leaflet's distribution files
// from node_modules/leaflet/dist/. No bundler: the files are copied as they are, so the output
// depends only on the sources and the locked Leaflet version, and the build works offline.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const leaflet = join(root, 'node_modules', 'leaflet', 'dist');
const dist = join(root, 'dist');

const appFiles = ['index.html', 'app.js', 'app.css'];
const leafletFiles = ['leaflet.js', 'leaflet.css', 'images'];

function fail(message) {
  console.error(`build: ${message}`);
  process.exit(1);
}

for (const f of appFiles) {
  if (!existsSync(join(src, f))) fail(`missing source file ${join(src, f)}`);
}
for (const f of leafletFiles) {
  if (!existsSync(join(leaflet, f))) {
    fail(`missing ${join(leaflet, f)}: run "npm ci" in ${root} first`);
  }
}

// Empty dist/ but keep the placeholder that lets a clean checkout compile its go:embed.
mkdirSync(dist, { recursive: true });
for (const entry of readdirSync(dist)) {
  if (entry !== '.gitkeep') rmSync(join(dist, entry), { recursive: true, force: true });
}

for (const f of appFiles) cpSync(join(src, f), join(dist, f));
mkdirSync(join(dist, 'leaflet'));
for (const f of leafletFiles) cpSync(join(leaflet, f), join(dist, 'leaflet', f), { recursive: true });

console.log(`build: wrote ${dist}`);
