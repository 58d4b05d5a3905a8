// The one way an owner holds what listens, polls or holds a channel: it extends Disposable and
// registers each such thing as it makes it; disposing the owner disposes them all. Modeled on VS
// Code's own Disposable._register (src/vs/base/common/lifecycle.ts), with two choices of ours:
// - Last registered, first disposed. What is made later usually uses what was made before it (a
//   timer writes to a channel, a listener listens to an emitter), so it stops first: a timer
//   never fires into a closed channel. (VS Code's store disposes in the order things were added.)
// - Registering on an owner already disposed disposes the newcomer at once (VS Code only warns):
//   nothing outlives its owner, even what an await brought back late.
// No `vscode` import: plain-Node code (the log follower, the glance cache) and tests use it, and a
// vscode.Disposable is one of these by shape.

/** Anything with a dispose(): VS Code's disposables, emitters, channels, panels, our owners. */
export interface DisposableLike {
  dispose(): unknown;
}

/** A disposable that runs `dispose` once (stopping a timer, aborting a controller). */
export function toDisposable(dispose: () => void): DisposableLike {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      dispose();
    },
  };
}

export class Disposable implements DisposableLike {
  private readonly owned: DisposableLike[] = [];
  private disposed = false;

  /** True from the moment dispose() starts: work that ends later must not touch what is gone. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Makes `d` this owner's: disposed with it (now, when the owner is already disposed). */
  protected register<T extends DisposableLike>(d: T): T {
    if ((d as unknown) === this) throw new Error('A disposable cannot own itself.');
    if (this.disposed) d.dispose();
    else this.owned.push(d);
    return d;
  }

  /**
   * Disposes what was registered, last first, once: calling it again does nothing. One that
   * throws does not keep the others alive; its error is thrown once all were disposed.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const d of this.owned.splice(0).reverse()) {
      try {
        d.dispose();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'Several disposables failed to dispose.');
  }
}
