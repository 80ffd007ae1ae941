// FaultProxy: placeholder until the package lands; see the issue tracker.
