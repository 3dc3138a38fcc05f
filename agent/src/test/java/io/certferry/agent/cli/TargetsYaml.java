package io.certferry.agent.cli;

import io.certferry.provider.nginx.NginxProcess;

import java.nio.file.Path;
import java.util.List;
import mockwebserver3.MockWebServer;

/** The config lines of one certificate's targets on every kind the operator's commands look at: a folder, a
 * DigitalOcean load balancer and a Netlify site on their fakes, a real nginx, an exec hook. */
final class TargetsYaml {
  private TargetsYaml() {}

  static List<String> all(Path out, String doToken, String loadBalancer, MockWebServer digitalOcean, String site,
                          MockWebServer netlify, NginxProcess nginx) {
    return List.of(
        "    targets:",
        "      - {id: files, type: directory, path: " + out + "}",
        "      - {id: lb, type: digitalocean-lb, token: '" + doToken + "', loadBalancerId: " + loadBalancer
            + ", apiUrl: '" + digitalOcean.url("/").toString().replaceAll("/$", "") + "', verify: false}",
        "      - {id: docs, type: netlify, token: '${env:NETLIFY_TOKEN}', siteId: " + site + ", apiUrl: '"
            + netlify.url("/api/v1") + "', verify: false}",
        "      - id: web",
        "        type: nginx",
        "        certificatePath: " + nginx.certificate(),
        "        keyPath: " + nginx.key(),
        "        testCommand: " + nginx.command("-t"),
        "        reloadCommand: " + nginx.command("-s reload"),
        "        address: 127.0.0.1:" + nginx.port(),
        "        serverNames: [a.test]",
        "      - {id: hook, type: exec, command: 'true'}");
  }
}
