package io.certferry.core.dns;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The zone's name servers are found through NS lookups walking up from the record name, then each
 * is asked directly, without recursion. A tiny DNS server on a free loopback port plays both the
 * recursive resolver and the zone's only authoritative server (NS target 127.0.0.1).
 */
class AuthoritativeDiscoveryTest {
  private DatagramSocket socket;
  private Thread thread;
  private final Map<String, String> txt = new ConcurrentHashMap<>();
  private final List<String> queries = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    thread = new Thread(this::serve, "fake-dns");
    thread.setDaemon(true);
    thread.start();
  }

  @AfterEach
  void stop() throws Exception {
    socket.close();
    thread.join(2000);
  }

  private void serve() {
    byte[] buf = new byte[1500];
    while (!socket.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        Message q = new Message(Arrays.copyOf(p.getData(), p.getLength()));
        Record question = q.getQuestion();
        queries.add(Type.string(question.getType()) + " " + question.getName() + (q.getHeader().getFlag(Flags.RD) ? " rd" : ""));
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.addRecord(question, Section.QUESTION);
        Name zone = Name.fromString("example.test.");
        if (question.getType() == Type.NS && question.getName().equals(zone)) {
          r.addRecord(new NSRecord(zone, DClass.IN, 60, Name.fromString("127.0.0.1.")), Section.ANSWER);
        } else if (question.getType() == Type.TXT && txt.containsKey(question.getName().toString())) {
          r.addRecord(new TXTRecord(question.getName(), DClass.IN, 60, txt.get(question.getName().toString())), Section.ANSWER);
        } else if (!question.getName().subdomain(zone)) {
          r.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        byte[] out = r.toWire();
        socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
      } catch (IOException e) {
        return; // socket closed
      }
    }
  }

  @Test
  void findsTheZoneByNsLookupsAndAsksItsServerWithoutRecursion() throws Exception {
    txt.put("_acme-challenge.www.example.test.", "token-value");
    SimpleResolver lookup = new SimpleResolver(new InetSocketAddress("127.0.0.1", socket.getLocalPort()));
    List<String> progress = new ArrayList<>();
    PropagationCheck.builder().lookupResolver(lookup).nameServerPort(socket.getLocalPort()).build()
        .await("_acme-challenge.www.example.test", "token-value", progress::add);

    assertThat(progress).isEmpty();
    // walked up: the record name, www, then the zone apex where the NS records are
    assertThat(queries).containsSubsequence("NS _acme-challenge.www.example.test. rd", "NS www.example.test. rd",
        "NS example.test. rd");
    assertThat(queries).contains("TXT _acme-challenge.www.example.test.");
    assertThat(queries).noneMatch(q -> q.startsWith("TXT") && q.endsWith(" rd"));
  }
}
