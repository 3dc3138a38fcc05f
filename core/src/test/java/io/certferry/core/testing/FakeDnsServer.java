package io.certferry.core.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;

/**
 * A small DNS server over UDP on a free loopback port that plays both the recursive resolver and the only
 * authoritative server of its zones (their NS records name {@code 127.0.0.1.}, so a client that finds the zone's
 * servers and asks them on this port reaches it again). Answers the records added to it, NXDOMAIN outside its
 * zones, NOERROR with the zone's SOA for a name inside without records. Records every question it gets.
 */
public final class FakeDnsServer implements AutoCloseable {
  private final DatagramSocket socket;
  private final Thread thread;
  private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
  private final List<Name> zones = new CopyOnWriteArrayList<>();
  private final List<String> questions = new CopyOnWriteArrayList<>();
  private volatile boolean authenticated;

  private FakeDnsServer() throws IOException {
    socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    thread = new Thread(this::serve, "fake-dns");
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts a server with no zones. */
  public static FakeDnsServer start() throws IOException { return new FakeDnsServer(); }

  /** The port it answers on. */
  public int port() { return socket.getLocalPort(); }

  /** A resolver asking this server. */
  public SimpleResolver resolver() {
    return new SimpleResolver(new InetSocketAddress("127.0.0.1", port()));
  }

  /** Adds a zone with its SOA and an NS record naming {@code nameServer} ({@code 127.0.0.1.}: this server). */
  public FakeDnsServer zone(String zone, String nameServer) {
    Name z = name(zone);
    zones.add(z);
    add(new SOARecord(z, DClass.IN, 60, name("ns." + zone), name("hostmaster." + zone), 1, 60, 60, 60, 60));
    add(new NSRecord(z, DClass.IN, 60, name(nameServer)));
    return this;
  }

  /** Adds a record. */
  public FakeDnsServer add(Record r) {
    records.computeIfAbsent(r.getName(), k -> new CopyOnWriteArrayList<>()).add(r);
    return this;
  }

  /** Whether answers carry the AD bit, as a validating resolver's do for a signed zone. */
  public void authenticated(boolean on) { this.authenticated = on; }

  /** Every question as {@code TYPE name.}, in arrival order. */
  public List<String> questions() { return new ArrayList<>(questions); }

  /** A DNS name from text, with the trailing dot added. */
  public static Name name(String text) {
    try {
      return Name.fromString(text.endsWith(".") ? text : text + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private void serve() {
    byte[] buf = new byte[4096];
    while (!socket.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        byte[] out = answer(new Message(Arrays.copyOf(p.getData(), p.getLength()))).toWire();
        socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
      } catch (IOException e) {
        return; // socket closed
      }
    }
  }

  private Message answer(Message q) {
    Record question = q.getQuestion();
    questions.add(org.xbill.DNS.Type.string(question.getType()) + " " + question.getName());
    Message r = new Message(q.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.AA);
    if (authenticated) {
      r.getHeader().setFlag(Flags.AD);
    }
    r.addRecord(question, Section.QUESTION);
    Name zone = zones.stream().filter(z -> question.getName().subdomain(z))
        .max((a, b) -> Integer.compare(a.labels(), b.labels())).orElse(null);
    if (zone == null) {
      r.getHeader().setRcode(Rcode.NXDOMAIN);
      return r;
    }
    List<Record> here = records.getOrDefault(question.getName(), List.of()).stream()
        .filter(x -> x.getType() == question.getType()).toList();
    here.forEach(x -> r.addRecord(x, Section.ANSWER));
    if (here.isEmpty()) {
      records.getOrDefault(zone, List.of()).stream().filter(x -> x instanceof SOARecord)
          .forEach(x -> r.addRecord(x, Section.AUTHORITY));
    }
    return r;
  }

  @Override
  public void close() {
    socket.close();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
