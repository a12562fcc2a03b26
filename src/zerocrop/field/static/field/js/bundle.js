/* The export bundle (docs/field-sync.md "Export bundle"): a ZIP of everything not yet
   acknowledged — each record exactly as POST /sync/records would send it, its files, a
   manifest and SHA256SUMS — for carrying to the office when sync is impossible. */

import { db, getMeta, isoLocal, patrolActive, recordBlobs, sha256 } from "./db.js";
import { recordBody } from "./sync.js";

const BUNDLE_STATUSES = ["queued", "waiting_files", "rejected", "conflict"];

function stamp(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}`;
}

/** A patrol is still recording: its fixes are unsent data that is not a record yet. */
export class PatrolRunning extends Error {
  constructor(patrol) {
    super("有一次踏查正在记录，请先结束踏查再导出");
    this.patrol = patrol;
  }
}

/**
 * `{blob, name, records, files}`; the ZIP holds every unsent record and its files. Refuses
 * (PatrolRunning) while a patrol is recording, since the bundle would silently miss its track.
 */
export async function exportBundle() {
  const running = await patrolActive();
  if (running) throw new PatrolRunning(running);
  const fflate = window.fflate;
  const encoder = new TextEncoder();
  const user = (await getMeta("user")) || {};
  const device = (await getMeta("device")) || {};
  const rows = (await db.records.where("status").anyOf(BUNDLE_STATUSES).toArray()).sort((a, b) =>
    a.createdAt < b.createdAt ? -1 : 1,
  );
  const entries = {};
  const sums = [];
  const manifest = {
    format: "zerocrop-field-bundle",
    version: 1,
    user: user.username || "",
    device: device.id || device.name || "",
    exported_at: isoLocal(),
    records: [],
    files: [],
  };
  const seen = new Set();
  for (const record of rows) {
    const path = `records/${record.uuid}.json`;
    const data = encoder.encode(JSON.stringify(recordBody(record)));
    entries[path] = data;
    sums.push([await sha256(new Blob([data])), path]);
    manifest.records.push({ uuid: record.uuid, kind: record.kind, path });
    for (const row of await recordBlobs(record)) {
      if (seen.has(row.sha256)) continue;
      seen.add(row.sha256);
      const filePath = `files/${row.sha256}`;
      entries[filePath] = [new Uint8Array(await row.blob.arrayBuffer()), { level: 0 }];
      sums.push([row.sha256, filePath]);
      manifest.files.push({ sha256: row.sha256, path: filePath, size: row.blob.size });
    }
  }
  const manifestBytes = encoder.encode(JSON.stringify(manifest, null, 2));
  entries["manifest.json"] = manifestBytes;
  sums.unshift([await sha256(new Blob([manifestBytes])), "manifest.json"]);
  entries.SHA256SUMS = encoder.encode(sums.map(([h, p]) => `${h}  ${p}\n`).join(""));
  const zipped = fflate.zipSync(entries, { level: 6 });
  const name = `zerocrop-外业数据-${user.username || "未配对"}-${stamp()}.zip`;
  return {
    blob: new Blob([zipped], { type: "application/zip" }),
    name,
    records: manifest.records.length,
    files: manifest.files.length,
  };
}

/** Build the bundle and hand it to the browser as a download. */
export async function downloadBundle() {
  const bundle = await exportBundle();
  const url = URL.createObjectURL(bundle.blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = bundle.name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  await db.meta.put({ key: "lastExportAt", value: isoLocal() });
  return bundle;
}
