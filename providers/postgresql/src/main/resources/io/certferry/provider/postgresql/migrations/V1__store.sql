-- Certferry's PostgreSQL store, schema version 1. Applied once, in one transaction, under an advisory lock.

-- The store itself: which key-encryption key seals the keys (its id, never the key) and a value sealed
-- under it, so a wrong key is refused when the store opens rather than at the first key read.
CREATE TABLE certferry_store (
  id         boolean PRIMARY KEY DEFAULT true CHECK (id),
  kek_id     text NOT NULL,
  kek_check  bytea NOT NULL
);

-- One row per lineage name. spec, state and deployments are the documents FileStore keeps as files;
-- the lease columns give per-lineage exclusion across agents. A row may exist for a lock alone: a
-- lineage is a row with a spec, a current version or a pending key.
CREATE TABLE certferry_lineage (
  name             text PRIMARY KEY,
  spec             jsonb,
  state            jsonb,
  deployments      jsonb,
  current_version  integer,
  -- the state's nextDue; '-infinity' when unset, so "due by now" is one range scan of the index
  due_at           timestamptz NOT NULL DEFAULT '-infinity',
  lease_owner      text,
  lease_expires    timestamptz,
  -- grows by one at every lease taken; a write is applied only while its token is the row's
  fencing_token    bigint NOT NULL DEFAULT 0,
  pending_key      bytea,
  pending_key_kek  text,
  order_directory  text,
  order_account    text,
  order_url        text,
  order_placed_at  timestamptz,
  order_domains    text[],
  order_public_key text,
  order_key        bytea,
  order_key_kek    text,
  CHECK ((pending_key IS NULL) = (pending_key_kek IS NULL)),
  CHECK ((order_key IS NULL) = (order_key_kek IS NULL))
);
CREATE INDEX certferry_lineage_due ON certferry_lineage (due_at);

-- Versions are immutable: the trigger below lets rotation re-seal a key and nothing else change.
CREATE TABLE certferry_version (
  lineage    text NOT NULL REFERENCES certferry_lineage (name),
  number     integer NOT NULL CHECK (number > 0),
  meta       jsonb NOT NULL,
  cert_pem   text NOT NULL,
  chain_pem  text NOT NULL,
  key_sealed bytea NOT NULL,
  key_kek    text NOT NULL,
  PRIMARY KEY (lineage, number)
);

CREATE TABLE certferry_account (
  directory      text NOT NULL,
  name           text NOT NULL,
  public_key_pem text NOT NULL,
  key_sealed     bytea NOT NULL,
  key_kek        text NOT NULL,
  account_url    text,
  PRIMARY KEY (directory, name)
);

CREATE TABLE certferry_local_ca (
  id         boolean PRIMARY KEY DEFAULT true CHECK (id),
  cert_pem   text NOT NULL,
  key_sealed bytea NOT NULL,
  key_kek    text NOT NULL
);

CREATE FUNCTION certferry_version_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.lineage <> OLD.lineage OR NEW.number <> OLD.number OR NEW.meta <> OLD.meta
     OR NEW.cert_pem <> OLD.cert_pem OR NEW.chain_pem <> OLD.chain_pem THEN
    RAISE EXCEPTION 'version % of lineage % is immutable', OLD.number, OLD.lineage USING ERRCODE = 'CF002';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER certferry_version_immutable BEFORE UPDATE OR DELETE ON certferry_version
  FOR EACH ROW EXECUTE FUNCTION certferry_version_immutable();

-- A key sealed under another key-encryption key than the store's is refused by the database itself:
-- an agent still configured with the old key after a rotation cannot write rows nobody else can open.
CREATE FUNCTION certferry_sealed_under_store_kek() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sealed_with text;
  store_kek text;
BEGIN
  sealed_with := to_jsonb(NEW) ->> TG_ARGV[0];
  IF sealed_with IS NULL THEN
    RETURN NEW;
  END IF;
  -- FOR SHARE: a rotation holds the row FOR UPDATE, so a write sealing under the old key waits, then is refused
  SELECT kek_id INTO store_kek FROM certferry_store FOR SHARE;
  IF store_kek IS DISTINCT FROM sealed_with THEN
    RAISE EXCEPTION 'key sealed under key-encryption key % but the store is sealed under %', sealed_with, store_kek
      USING ERRCODE = 'CF001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER certferry_version_kek BEFORE INSERT OR UPDATE ON certferry_version
  FOR EACH ROW EXECUTE FUNCTION certferry_sealed_under_store_kek('key_kek');
CREATE TRIGGER certferry_pending_key_kek BEFORE INSERT OR UPDATE OF pending_key, pending_key_kek ON certferry_lineage
  FOR EACH ROW EXECUTE FUNCTION certferry_sealed_under_store_kek('pending_key_kek');
CREATE TRIGGER certferry_order_key_kek BEFORE INSERT OR UPDATE OF order_key, order_key_kek ON certferry_lineage
  FOR EACH ROW EXECUTE FUNCTION certferry_sealed_under_store_kek('order_key_kek');
CREATE TRIGGER certferry_account_kek BEFORE INSERT OR UPDATE ON certferry_account
  FOR EACH ROW EXECUTE FUNCTION certferry_sealed_under_store_kek('key_kek');
CREATE TRIGGER certferry_local_ca_kek BEFORE INSERT OR UPDATE ON certferry_local_ca
  FOR EACH ROW EXECUTE FUNCTION certferry_sealed_under_store_kek('key_kek');
