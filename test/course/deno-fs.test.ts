/** The `Deno` file functions course concepts call (src/utils/deno/fs.ts), through the global as they use it. */
import { mkdtemp, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(join(resolve("."), ".tmp-deno-fs-"));
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("Deno file functions", () => {
  it("store and read back bytes and text in folders made on the way, and describe them", async () => {
    const folder = join(scratch, "uploads", "ada");
    await Deno.mkdir(folder, { recursive: true });
    await Deno.writeFile(join(folder, "page.png"), new Uint8Array([137, 80, 78, 71]));
    await Deno.writeTextFile(join(folder, "notes.txt"), "chapter 1");
    expect(await Deno.readFile(join(folder, "page.png"))).toEqual(new Uint8Array([137, 80, 78, 71]));
    expect(await Deno.readTextFile(join(folder, "notes.txt"))).toBe("chapter 1");
    const info = await Deno.stat(join(folder, "page.png"));
    expect({ isFile: info.isFile, isDirectory: info.isDirectory, size: info.size }).toEqual({ isFile: true, isDirectory: false, size: 4 });
    expect((await Deno.stat(folder)).isDirectory).toBe(true);
    await Deno.remove(join(scratch, "uploads"), { recursive: true });
    await expect(Deno.stat(folder)).rejects.toBeInstanceOf(Deno.errors.NotFound);
  });

  it("reject a missing file with Deno.errors.NotFound, and an existing folder with AlreadyExists", async () => {
    const missing = await Deno.readTextFile(join(scratch, "config.json")).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(Deno.errors.NotFound);
    await Deno.mkdir(join(scratch, "once"));
    await expect(Deno.mkdir(join(scratch, "once"))).rejects.toBeInstanceOf(Deno.errors.AlreadyExists);
  });
});
