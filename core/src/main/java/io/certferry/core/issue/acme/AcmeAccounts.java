package io.certferry.core.issue.acme;

import io.certferry.core.issue.IssueException;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.StoredAccount;
import io.certferry.core.x509.KeyType;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Metadata;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * The account of one issuer at its CA, and the sessions it is used on: the account key and URL come from
 * the store, read once; a new account is registered on first use with the key saved first, so a crash
 * between the two steps reuses the same key (the CA answers newAccount for a known key with the existing
 * account). Sessions are lent by the {@link AcmeSessions} the issuer shares with the engine's other issuers.
 */
final class AcmeAccounts {
  /** Problem types a CA answers a registration with when its external account binding does not check out. */
  private static final Set<String> EAB_REFUSALS = Set.of("unauthorized", "malformed", "externalAccountRequired");

  private final URI directory;
  private final String accountName;
  private final String email;
  private final boolean agreeTos;
  private final String eabKeyId;
  private final String eabHmacKey;
  private final List<X509Certificate> serverCa;
  private final CertificateStore store;
  private final Consumer<String> progress;
  private final AcmeSessions sessions;
  private URL accountUrl; // guarded by this
  private KeyPair accountKey; // guarded by this

  AcmeAccounts(URI directory, String accountName, String email, boolean agreeTos, String eabKeyId, String eabHmacKey,
               List<X509Certificate> serverCa, CertificateStore store, Consumer<String> progress, AcmeSessions sessions) {
    this.directory = directory;
    this.accountName = accountName;
    this.email = email;
    this.agreeTos = agreeTos;
    this.eabKeyId = eabKeyId;
    this.eabHmacKey = eabHmacKey;
    this.serverCa = List.copyOf(serverCa);
    this.store = store;
    this.progress = progress;
    this.sessions = sessions;
  }

  String accountName() { return accountName; }

  /** A session of the CA lent for one order or revocation, logged in to this account; close gives it back. */
  final class Lease implements AutoCloseable {
    private final Session session;
    private final Login login;

    private Lease(Session session, Login login) {
      this.session = session;
      this.login = login;
    }

    Login login() { return login; }

    /** Whether the directory offers ARI (RFC 9773), which an order's {@code replaces} needs. */
    boolean supportsRenewalInfo() throws IssueException {
      try {
        return session.resourceUrlOptional(Resource.RENEWAL_INFO).isPresent();
      } catch (AcmeException e) {
        throw unreachable(e);
      }
    }

    @Override
    public void close() { sessions.giveBack(directory, serverCa, session); }
  }

  /** Logs in with the stored account on a lent session, registering the account first if there is none. */
  Lease lease() throws IssueException {
    Session session = sessions.borrow(directory, serverCa);
    try {
      Login login;
      synchronized (this) {
        if (accountUrl == null) {
          loginOrRegister(session);
        }
        login = session.login(accountUrl, accountKey);
      }
      return new Lease(session, login);
    } catch (IssueException | RuntimeException e) {
      sessions.giveBack(directory, serverCa, session);
      throw e;
    }
  }

  /** Profiles the directory advertises ({@code meta.profiles}); empty when it has none. */
  Set<String> profiles() throws IssueException {
    Session session = sessions.borrow(directory, serverCa);
    try {
      return session.getMetadata().getProfiles();
    } catch (AcmeException e) {
      throw unreachable(e);
    } finally {
      sessions.giveBack(directory, serverCa, session);
    }
  }

  /** The names the CA gives for itself ({@code meta.caaIdentities}); dns-persist-01 records name one. */
  List<String> caaIdentities() throws IssueException {
    Session session = sessions.borrow(directory, serverCa);
    try {
      return List.copyOf(session.getMetadata().getCaaIdentities());
    } catch (AcmeException e) {
      throw unreachable(e);
    } finally {
      sessions.giveBack(directory, serverCa, session);
    }
  }

  /** The directory's {@code renewalInfo} resource, if it has one. */
  Optional<URL> renewalInfoUrl() throws AcmeException {
    Session session = sessions.borrow(directory, serverCa);
    try {
      return session.resourceUrlOptional(Resource.RENEWAL_INFO);
    } finally {
      sessions.giveBack(directory, serverCa, session);
    }
  }

  /** Reads the account from the store, registering it first if there is none; the caller holds this. */
  private void loginOrRegister(Session session) throws IssueException {
    // Certificates sharing an account are issued in parallel (each through its own issuer, or by other
    // agents on a shared store). Without the account's lock two first uses both register, and their key
    // and URL saves interleave: the next start would sign for one account's URL with the other's key.
    try (CertificateStore.Lock lock = store.lockAccount(directory, accountName)) {
      Optional<StoredAccount> stored = store.account(directory, accountName);
      if (stored.isPresent() && stored.get().accountUrl() != null) {
        try {
          accountUrl = stored.get().accountUrl().toURL();
          accountKey = stored.get().keyPair();
          return;
        } catch (MalformedURLException e) {
          throw new IssueException(IssueException.Kind.LOCAL, "account " + accountName + ": stored URL " + stored.get().accountUrl() + " is not valid", e);
        }
      }
      KeyPair key = stored.map(StoredAccount::keyPair).orElseGet(() -> {
        KeyPair k = KeyType.EC_P256.generate();
        store.saveAccount(new StoredAccount(directory, accountName, k, null));
        return k;
      });
      Login login = register(session, key);
      store.saveAccount(new StoredAccount(directory, accountName, key, toUri(login.getAccountLocation())));
      progress.accept("account " + accountName + " registered at " + login.getAccountLocation());
      accountUrl = login.getAccountLocation();
      accountKey = key;
    }
  }

  private Login register(Session session, KeyPair key) throws IssueException {
    Metadata meta;
    try {
      meta = session.getMetadata();
    } catch (AcmeException e) {
      throw unreachable(e);
    }
    Optional<URI> tos = meta.getTermsOfService();
    if (tos.isPresent() && !agreeTos) {
      throw new IssueException(IssueException.Kind.CA_REJECTED, "the CA at " + directory + " requires accepting its terms of service (" + tos.get()
          + "); read them, then pass --agree-tos (config: agreeTos: true)");
    }
    if (meta.isExternalAccountRequired() && eabKeyId == null) {
      throw new IssueException(IssueException.Kind.CA_REJECTED, "the CA at " + directory + " requires external account "
          + "binding; set eab: {keyId: KID, hmacKey: ${env:EAB_HMAC_KEY}} (--eab-key-id, --eab-hmac-key) with the pair "
          + "from the CA's dashboard");
    }
    AccountBuilder b = new AccountBuilder().useKeyPair(key);
    if (tos.isPresent()) {
      b.agreeToTermsOfService();
    }
    if (email != null && !email.isBlank()) {
      b.addEmail(email);
    }
    if (eabKeyId != null) {
      b.withKeyIdentifier(eabKeyId, eabHmacKey);
    }
    try {
      return b.createLogin(session);
    } catch (AcmeServerException e) {
      String why = AcmeProblems.describe(e.getProblem());
      if (eabKeyId != null && EAB_REFUSALS.contains(AcmeProblems.type(e.getProblem()))) {
        // The CA's words, and never the HMAC, even should a CA echo it.
        throw new IssueException(IssueException.Kind.CA_REJECTED, "external account binding with key id " + eabKeyId
            + " was refused by " + directory + ": " + why.replace(eabHmacKey, "[hmac]") + "; check that eab.keyId and "
            + "the HMAC key eab.hmacKey refers to are the pair the CA's dashboard shows (--eab-key-id, --eab-hmac-key), "
            + "the HMAC copied whole as base64url, and that the key id is still active at the CA", e);
      }
      throw new IssueException(IssueException.Kind.CA_REJECTED, "account registration at " + directory + " refused: " + why, e);
    } catch (AcmeException | IllegalArgumentException e) {
      throw new IssueException(IssueException.Kind.CA_UNREACHABLE, "account registration at " + directory + " failed: " + e.getMessage(), e);
    }
  }

  private IssueException unreachable(AcmeException e) {
    return new IssueException(IssueException.Kind.CA_UNREACHABLE, "ACME directory " + directory + " could not be read (" + e.getMessage()
        + "); check --server, the network, and --server-ca for a private CA", e);
  }

  private static URI toUri(URL url) {
    try {
      return url.toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the CA returned an invalid account URL", e);
    }
  }
}
