// The gate in front of scrypt: how many password checks run at once and how many may wait.
import { describe, expect, it } from "vitest";
import { CheckGate, GateFullError } from "../../src/auth/check-gate.js";

/** A task the test finishes by hand, recording when it started. */
function heldTask(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    finish,
    run: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("CheckGate", () => {
  it.each([
    { name: "one slot: the second waits for the first", limit: 1, tasks: 2, startedAtOnce: 1 },
    { name: "two slots: two run at once, the third waits", limit: 2, tasks: 3, startedAtOnce: 2 },
  ])("$name", async ({ limit, tasks, startedAtOnce }) => {
    const gate = new CheckGate(limit, 8);
    const log: string[] = [];
    const held = Array.from({ length: tasks }, (_, i) => heldTask(log, `t${i}`));
    const results = held.map((t) => gate.run(t.run));
    await settle();
    expect(log).toEqual(held.slice(0, startedAtOnce).map((_, i) => `start t${i}`));
    for (const t of held) t.finish();
    expect(await Promise.all(results)).toEqual(held.map((_, i) => `t${i}`));
    expect(log.filter((l) => l.startsWith("start"))).toHaveLength(tasks);
  });

  it("hands a freed slot to the next in line, in order, and frees it when nobody waits", async () => {
    const gate = new CheckGate(1, 8);
    const log: string[] = [];
    const [a, b, c] = [heldTask(log, "a"), heldTask(log, "b"), heldTask(log, "c")];
    const runs = [gate.run(a.run), gate.run(b.run), gate.run(c.run)];
    a.finish();
    await settle();
    expect(log).toEqual(["start a", "end a", "start b"]);
    b.finish();
    c.finish();
    await Promise.all(runs);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
    // All slots are free again: the next task starts at once, and a second one waits for it.
    const d = heldTask(log, "d");
    const e = heldTask(log, "e");
    const later = [gate.run(d.run), gate.run(e.run)];
    await settle();
    expect(log.slice(-1)).toEqual(["start d"]);
    d.finish();
    e.finish();
    await Promise.all(later);
  });

  it("turns a check away at once when the queue is full, and takes one again when there is room", async () => {
    const gate = new CheckGate(1, 2);
    const log: string[] = [];
    const held = [heldTask(log, "run"), heldTask(log, "w1"), heldTask(log, "w2")];
    const runs = held.map((t) => gate.run(t.run));
    await expect(gate.run(async () => "late")).rejects.toBeInstanceOf(GateFullError);
    await expect(gate.run(async () => "late")).rejects.toThrow("Too many logins at once");
    await expect(gate.run(async () => "late")).rejects.toMatchObject({ name: "GateFullError" });
    held[0]?.finish();
    await settle();
    const again = gate.run(async () => "again"); // one waiting place was freed
    for (const t of held) t.finish();
    await Promise.all(runs);
    expect(await again).toBe("again");
  });

  it("frees the slot when a check fails", async () => {
    const gate = new CheckGate(1, 0);
    await expect(gate.run(() => Promise.reject(new Error("scrypt failed")))).rejects.toThrow("scrypt failed");
    expect(await gate.run(async () => "next")).toBe("next");
  });

  it("defaults to one check at a time with eight waiting", async () => {
    const gate = new CheckGate();
    const log: string[] = [];
    const held = Array.from({ length: 9 }, (_, i) => heldTask(log, `t${i}`));
    const runs = held.map((t) => gate.run(t.run));
    await settle();
    expect(log).toEqual(["start t0"]);
    await expect(gate.run(async () => "tenth")).rejects.toBeInstanceOf(GateFullError);
    for (const t of held) t.finish();
    await Promise.all(runs);
  });
});
