package io.certferry.provider.nginx;

import java.io.IOException;

/** Opens the {@link Host} a frontend lives on: this machine, or an SSH connection. */
@FunctionalInterface
public interface HostOpener {
  HostOpener DEFAULT = f -> f.ssh().isPresent() ? SshHost.connect(f.ssh().get()) : new LocalHost();

  Host open(Frontend frontend) throws IOException;
}
