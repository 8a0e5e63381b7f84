// Copy GOV.UK Frontend's compiled CSS, JS, fonts and images into api/static/govuk/
// (served by the gateway itself: no CDN, no bundler). The stylesheet refers to its
// fonts and images as /assets/...; rewrite those to paths relative to the stylesheet
// so they resolve under /static/govuk/ wherever the gateway mounts it.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, "node_modules", "govuk-frontend", "dist", "govuk");
const out = join(here, "..", "api", "static", "govuk");
if (!existsSync(src)) {
  console.error("govuk-frontend is not installed: run `npm ci` in frontend/ first");
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const css = readFileSync(join(src, "govuk-frontend.min.css"), "utf8").replaceAll("url(/assets/", "url(assets/");
if (css.includes("url(/assets/")) throw new Error("unexpected absolute asset URL left in the stylesheet");
writeFileSync(join(out, "govuk-frontend.min.css"), css);
cpSync(join(src, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(src, "assets"), join(out, "assets"), { recursive: true });
const version = JSON.parse(readFileSync(join(here, "node_modules", "govuk-frontend", "package.json"), "utf8")).version;
writeFileSync(join(out, "VERSION"), version + "\n");
writeFileSync(join(out, ".built"), new Date().toISOString() + "\n");
console.log(`GOV.UK Frontend ${version} assets copied to api/static/govuk/`);
