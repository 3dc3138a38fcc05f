package io.certferry.core.deploy;

import java.util.List;

/**
 * Where the servers of a target come from when they come and go (a DigitalOcean droplet tag, an
 * autoscaling group): asked on every pass, so a server booted from the image gets the current certificate on
 * its first pass and a removed one drops out. A {@link io.certferry.core.ProviderFactory} of kind
 * {@code HostInventory.class} makes one from its settings; a target finds it through
 * {@link io.certferry.core.ProviderContext#providers()}.
 *
 * @since 0.1
 */
public interface HostInventory {
  /**
   * The servers now, in a stable order; empty when none carries the tag.
   *
   * @since 0.1
   */
  List<Host> hosts() throws DeployException;

  /**
   * What the inventory is, for messages: {@code DigitalOcean droplets tagged web}.
   *
   * @since 0.1
   */
  String describe();

  /**
   * One server.
   *
   * @param name its name in the inventory (unique there), used as the frontend's name
   * @param address where to reach it (an IP address or a host name)
   * @since 0.1
   */
  record Host(String name, String address) {}
}
