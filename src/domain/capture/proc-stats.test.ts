import { describe, expect, it } from 'vitest';
import {
  cpuPercent,
  descendantsOf,
  parseCpuTimes,
  parseDiskstats,
  parseMeminfo,
  parseNetDev,
  parseProcessStat,
} from './proc-stats.js';

describe('/proc parsers', () => {
  it('computes CPU use between two /proc/stat readings', () => {
    const before = parseCpuTimes('cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3 4\n')!;
    const after = parseCpuTimes('cpu  200 0 200 1000 100 0 0 0 0 0\n')!;
    expect(before).toEqual({ idle: 800, total: 1000 });
    expect(cpuPercent(before, after)).toBeCloseTo(40);
    expect(cpuPercent(after, after)).toBe(0);
    expect(parseCpuTimes('intr 1 2 3')).toBeUndefined();
  });

  it('reads total and available memory', () => {
    expect(parseMeminfo('MemTotal:       2048 kB\nMemFree:  100 kB\nMemAvailable:   1024 kB\n')).toEqual({
      totalBytes: 2048 * 1024,
      availableBytes: 1024 * 1024,
    });
    expect(parseMeminfo('nothing')).toBeUndefined();
  });

  it('counts whole disks only, and every interface but loopback', () => {
    const disks = [
      '   8       0 sda 10 0 4 0 20 0 8 0 0 0 0',
      '   8       1 sda1 10 0 4 0 20 0 8 0 0 0 0',
      '   7       0 loop0 10 0 100 0 20 0 100 0 0 0 0',
      ' 259       0 nvme0n1 1 0 2 0 1 0 2 0 0 0 0',
      ' 259       1 nvme0n1p1 1 0 2 0 1 0 2 0 0 0 0',
    ].join('\n');
    expect(parseDiskstats(disks)).toEqual({ readBytes: 6 * 512, writeBytes: 10 * 512 });
    const net = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets',
      '    lo: 999 1 0 0 0 0 0 0 999 1 0 0 0 0 0 0',
      '  eth0: 1000 5 0 0 0 0 0 0 300 2 0 0 0 0 0 0',
      '  eth1: 24 5 0 0 0 0 0 0 7 2 0 0 0 0 0 0',
    ].join('\n');
    expect(parseNetDev(net)).toEqual({ receiveBytes: 1024, transmitBytes: 307 });
  });

  it('reads a process stat line whose name holds blanks and parentheses', () => {
    const tail = 'S 10 11 11 0 -1 4194560 100 0 0 0 250 50 3 1 20 0 1 0 12345 1000000 300 18446744073709551615';
    expect(parseProcessStat(`42 (my (odd) name) ${tail}`)).toEqual({
      pid: 42,
      ppid: 10,
      userTicks: 250,
      systemTicks: 50,
      childUserTicks: 3,
      childSystemTicks: 1,
      rssPages: 300,
    });
    expect(parseProcessStat('garbage')).toBeUndefined();
  });

  it('finds every descendant of a process and nothing else', () => {
    const p = (pid: number, ppid: number) => ({
      pid,
      ppid,
      userTicks: 0,
      systemTicks: 0,
      childUserTicks: 0,
      childSystemTicks: 0,
      rssPages: 1,
    });
    const all = [p(1, 0), p(10, 1), p(11, 10), p(12, 11), p(20, 1), p(13, 10)];
    expect(
      descendantsOf(10, all)
        .map((x) => x.pid)
        .sort(),
    ).toEqual([10, 11, 12, 13]);
    expect(descendantsOf(99, all)).toEqual([]);
  });
});
