/**
 * A directory as a deterministic ZIP archive (sorted entries, fixed timestamps, Unix modes kept),
 * so a `server.artifact` directory can be one S3 object: the AWS provider's `BucketObjectv2.source`
 * takes an asset, not an archive (its schema declares a file asset; `pulumi.asset.FileArchive` is
 * refused at deployment), and the same bytes for the same tree give the same content-addressed key.
 * Format: PKWARE APPNOTE.TXT §4.3 (local headers, central directory, end record), deflate (RFC 1951)
 * via node:zlib. No ZIP64: more than 65,535 files or 4 GiB is refused with the fix.
 * Source: https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (IEEE 802.3), as ZIP stores it. */
export function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Regular files under `dir` (symlinks followed), as sorted POSIX paths relative to it. */
function filesOf(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(path.join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    const stat = fs.statSync(path.join(dir, rel));
    if (stat.isDirectory()) out.push(...filesOf(dir, rel));
    else if (stat.isFile()) out.push(rel);
  }
  return out;
}

/** DOS date of 1980-01-01 00:00 (ZIP's epoch): every entry gets it, so the bytes depend on content only. */
const DOS_DATE = (1 << 5) | 1;
const MAX_16 = 0xffff;
const MAX_32 = 0xffffffff;

/**
 * The ZIP archive of a directory's files.
 * @throws Error naming the limit when the directory has more than 65,535 files or 4 GiB
 */
export function zipDirectory(dir: string): Buffer {
  const files = filesOf(dir);
  if (files.length > MAX_16) {
    throw new Error(
      `websocket-tier: server.artifact ${JSON.stringify(dir)} has ${files.length} files; a directory artifact is zipped without ZIP64, which holds at most ${MAX_16}. Fix: pack it yourself as a .tar.gz (tar -czf app.tar.gz -C ${dir} .) and give that file.`,
    );
  }
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const rel of files) {
    const abs = path.join(dir, rel);
    const data = fs.readFileSync(abs);
    const mode = fs.statSync(abs).mode & 0o7777;
    const packed = zlib.deflateRawSync(data);
    const name = Buffer.from(rel, 'utf8');
    if (offset > MAX_32 || data.length > MAX_32) {
      throw new Error(
        `websocket-tier: server.artifact ${JSON.stringify(dir)} is larger than 4 GiB, beyond a ZIP without ZIP64. Fix: pack it yourself as a .tar.gz and give that file.`,
      );
    }
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so unzip restores the mode
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(DOS_DATE, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(((0o100000 | mode) << 16) >>> 0, 38); // regular file + permission bits
    entry.writeUInt32LE(offset, 42);
    parts.push(local, name, packed);
    central.push(entry, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
