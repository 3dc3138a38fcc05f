package io.certferry.provider.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.store.StoreException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyEncryptionKeyTest {
  private static final byte[] RAW = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  @Test
  void readsBase64AndHexToTheSameKeyAndNeverPrintsIt() {
    KeyEncryptionKey b64 = KeyEncryptionKey.parse(Base64.getEncoder().encodeToString(RAW) + "\n", "kek");
    KeyEncryptionKey hex = KeyEncryptionKey.parse(HexFormat.of().formatHex(RAW), "kek");
    assertThat(b64).isEqualTo(hex).isEqualTo(KeyEncryptionKey.of(RAW));
    assertThat(b64.id()).hasSize(16).isEqualTo(hex.id()).isNotEqualTo(PostgresStores.OTHER_KEK.id());
    assertThat(b64.toString()).isEqualTo("KeyEncryptionKey{id=" + b64.id() + "}");
  }

  @Test
  void aValueThatIsNotThirtyTwoBytesIsRefusedWithoutQuotingIt() {
    for (String bad : new String[] {"", "hunter2-not-a-key", Base64.getEncoder().encodeToString(new byte[16]),
        HexFormat.of().formatHex(new byte[31])}) {
      assertThatThrownBy(() -> KeyEncryptionKey.parse(bad, "store (postgresql): keyEncryptionKey (${file:/etc/certferry/kek})"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("store (postgresql): keyEncryptionKey (${file:/etc/certferry/kek}): the key-encryption key "
              + "must be 32 random bytes")
          .hasMessageContaining("openssl rand -base64 32")
          .satisfies(e -> assertThat(bad.isEmpty() || !e.getMessage().contains(bad)).isTrue());
    }
  }

  @Test
  void sealingUsesAFreshNonceAndBindsTheRow() {
    KeySealer sealer = new KeySealer(KeyEncryptionKey.of(RAW));
    byte[] secret = "-----BEGIN PRIVATE KEY-----".getBytes(StandardCharsets.US_ASCII);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      byte[] sealed = sealer.seal(secret, "version\nshop\n1");
      assertThat(seen.add(HexFormat.of().formatHex(sealed, 1, 13))).as("nonce reused").isTrue();
      assertThat(sealer.open(sealed, sealer.keyId(), "version\nshop\n1", "k")).isEqualTo(secret);
    }
    byte[] sealed = sealer.seal(secret, "version\nshop\n1");
    assertThatThrownBy(() -> sealer.open(sealed, sealer.keyId(), "version\nshop\n2", "the private key of lineage 'shop' version 2"))
        .isInstanceOf(StoreException.class).hasMessageContaining("copied from another row");
    sealed[20] ^= 1;
    assertThatThrownBy(() -> sealer.open(sealed, sealer.keyId(), "version\nshop\n1", "k"))
        .isInstanceOf(StoreException.class).hasMessageContaining("altered");
  }
}
