import { describe, expect, it } from 'vitest';
import { linuxSandboxProblem, type LinuxSandboxFacts } from './linux-sandbox';

const user: LinuxSandboxFacts = {
  platform: 'linux',
  uid: 1000,
  appArmorRestrictsUserns: false,
  usernsCloneDisabled: false,
  chromeSandbox: { uid: 1000, mode: 0o100755 },
};

describe('Electron sandbox realities on Linux', () => {
  it('lets an ordinary user on an ordinary kernel through', () => {
    expect(linuxSandboxProblem(user)).toBeNull();
  });

  it('names root and the way out, and never offers --no-sandbox', () => {
    const message = linuxSandboxProblem({ ...user, uid: 0 });
    expect(message).toMatch(/as root/);
    expect(message).toMatch(/npm start -- --browser/);
    expect(message).not.toMatch(/--no-sandbox/);
  });

  it("names Ubuntu's AppArmor restriction with the deb profile, the SUID helper and browser mode", () => {
    const message = linuxSandboxProblem({ ...user, appArmorRestrictsUserns: true });
    expect(message).toMatch(/AppArmor/);
    expect(message).toMatch(/\.deb/);
    expect(message).toMatch(/chmod 4755/);
    expect(message).toMatch(/--browser/);
  });

  it('is satisfied by a SUID-root chrome-sandbox where user namespaces are restricted', () => {
    expect(linuxSandboxProblem({ ...user, appArmorRestrictsUserns: true, chromeSandbox: { uid: 0, mode: 0o104755 } })).toBeNull();
    expect(linuxSandboxProblem({ ...user, usernsCloneDisabled: true, chromeSandbox: { uid: 0, mode: 0o104755 } })).toBeNull();
    // SUID bit without root ownership is not enough.
    expect(linuxSandboxProblem({ ...user, usernsCloneDisabled: true, chromeSandbox: { uid: 1000, mode: 0o104755 } })).toMatch(/SUID/);
  });

  it('does not apply to other platforms', () => {
    expect(linuxSandboxProblem({ ...user, platform: 'darwin', uid: 0 })).toBeNull();
    expect(linuxSandboxProblem({ ...user, platform: 'win32', appArmorRestrictsUserns: true })).toBeNull();
  });
});
