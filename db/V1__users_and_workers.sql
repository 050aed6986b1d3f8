-- Shared by every table that has an updated_at column.
CREATE FUNCTION trigger_set_updated_at() RETURNS trigger AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9._@-]{1,64}$'),
    -- Jakarta Security Pbkdf2PasswordHash format: algorithm:iterations:salt:hash (Base64)
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();

CREATE TABLE workers (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    hostname TEXT,
    -- SHA-256 (hex) of the agent token; NULL once the token is revoked. Tokens carry >= 128 random
    -- bits, so a fast hash is enough and lets the handshake look the worker up by it.
    token_hash TEXT UNIQUE,
    agent_version TEXT,
    driver_version TEXT,
    last_seen_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON workers
    FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();

-- The services the agent's own allow-list permits to restart, as announced in its last hello.
CREATE TABLE worker_services (
    worker_id BIGINT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
    service_name TEXT NOT NULL CHECK (service_name ~ '^[A-Za-z0-9@._-]{1,64}$'),
    PRIMARY KEY (worker_id, service_name)
);
