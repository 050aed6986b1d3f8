/* The fleet page: one tile per GPU, grouped by worker, drawn once from /admin/fleet.json and then patched in place
   from the push socket's deltas ({"version":N,"changed":[...],"removed":[...],"summary":{...}}, see
   dashboard/control/FleetJson). A delta that is not the next version (missed, reconnected, slow socket) makes the
   page read the whole document again instead. Sort and filter live in the URL query (the same words as
   dashboard/control/FleetFilter, which applies them for the cards view), so a link shows the same view. */
var fleet = (function () {
    var grid = document.getElementById('fleet-grid');
    var context = grid.dataset.context || '';  // Facelets leaves out the attribute when the context root is /
    var SORTS = ['worst', 'name', 'hottest', 'vram'];
    var STATUSES = ['all', 'online', 'offline'];
    var LEVELS = ['all', 'critical', 'warning', 'ok'];
    var GLYPH = {critical: '✖ ', offline: '○ ', warning: '▲ ', ok: ''};
    var RANK = {ok: 0, warning: 1, critical: 2};

    var workers = {};          // id -> {data, el, name, tiles: {index -> {data, el}}, order, hidden}
    var version = 0;
    var loaded = false;
    var queued = [];           // deltas that came while the document was being read
    var fetching = false, fetchAgain = false;
    var newest = 0;            // the highest version a push socket's first message named
    var socket = null, delay = 500, held = false;
    var filter = parse(location.search);
    var stats = {connects: 0, messages: 0, bytes: 0, fetches: 0, fetchBytes: 0, firstDrawnMs: null, patchedTiles: 0,
        latencies: [], version: 0};

    function parse(search) {
        var query = new URLSearchParams(search);
        var pick = function (value, allowed) { return allowed.indexOf(value) >= 0 ? value : allowed[0]; };
        return {sort: pick(query.get('sort'), SORTS), status: pick(query.get('status'), STATUSES),
            level: pick(query.get('level'), LEVELS), q: (query.get('q') || '').trim().slice(0, 100),
            alert: query.get('alert') === '1' || query.get('alert') === 'true'};
    }

    function query(f) {
        var parts = [];
        if (f.sort !== 'worst') parts.push('sort=' + f.sort);
        if (f.status !== 'all') parts.push('status=' + f.status);
        if (f.level !== 'all') parts.push('level=' + f.level);
        if (f.q) parts.push('q=' + encodeURIComponent(f.q));
        if (f.alert) parts.push('alert=1');
        return parts.join('&');
    }

    /* ---- what a worker is, for sorting and filtering (the same rules as FleetFilter) ---- */

    function worstLevel(w) {
        var worst = 'ok';
        w.gpus.forEach(function (g) { if (RANK[g.l] > RANK[worst]) worst = g.l; });
        return worst;
    }

    function trouble(w) {
        if (!w.online) return 2;
        var worst = worstLevel(w);
        return worst === 'critical' ? 3 : worst === 'warning' ? 1 : 0;
    }

    function max(w, field) {
        var found = -Infinity;
        w.gpus.forEach(function (g) { if (g[field] > found) found = g[field]; });
        return found;
    }

    function matches(w) {
        if (filter.status === 'online' && !w.online || filter.status === 'offline' && w.online) return false;
        if (filter.level !== 'all' && !w.online) return false;
        var worst = worstLevel(w);
        if (filter.level === 'critical' && worst !== 'critical' || filter.level === 'warning' && worst === 'ok'
            || filter.level === 'ok' && worst !== 'ok') return false;
        if (filter.alert && w.ac + w.aw === 0) return false;
        if (!filter.q) return true;
        var needle = filter.q.toLowerCase();
        return w.name.toLowerCase().indexOf(needle) >= 0 || (w.host || '').toLowerCase().indexOf(needle) >= 0;
    }

    function byName(a, b) {
        return a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id;
    }

    function comparator() {
        switch (filter.sort) {
            case 'name': return byName;
            case 'hottest': return function (a, b) { return max(b, 't') - max(a, 't') || byName(a, b); };
            case 'vram': return function (a, b) { return max(b, 'v') - max(a, 'v') || byName(a, b); };
            default: return function (a, b) { return trouble(b) - trouble(a) || byName(a, b); };
        }
    }

    /* ---- drawing ---- */

    function describe(w, g) {
        var state = w.online ? g.l : 'offline (last: ' + g.l + ')';
        return w.name + ' GPU ' + g.i + ' ' + g.n + ': ' + state + ', ' + g.x + ' · ' + g.t + ' °C, VRAM ' + g.v
            + ' %, utilization ' + g.u + ' %' + (g.p === null ? '' : ', power ' + g.p + ' %');
    }

    function drawTile(worker, tile) {
        var w = worker.data, g = tile.data;
        tile.el.className = 'ft l-' + (w.online ? g.l : 'offline');
        var text = describe(w, g);
        tile.el.title = text;
        tile.el.setAttribute('aria-label', text);
    }

    function drawHeader(worker) {
        var w = worker.data;
        var worst = w.online ? worstLevel(w) : 'offline';
        worker.el.className = 'fw ' + (w.online ? 'online' : 'offline') + ' w-' + worst;
        worker.name.textContent = GLYPH[worst] + w.name;
        var alerts = w.ac + w.aw;
        worker.name.title = w.name + (w.host ? ' (' + w.host + ')' : '') + ': ' + (w.online ? 'online' : 'offline')
            + (alerts ? ', ' + w.ac + ' critical and ' + w.aw + ' warning alerts open' : ', no open alert');
        worker.el.setAttribute('aria-label', worker.name.title);
    }

    function addTile(worker, g) {
        var el = document.createElement('a');
        el.href = 'worker.xhtml?id=' + worker.data.id;
        el.dataset.gpu = g.i;
        var tile = {data: g, el: el};
        worker.tiles[g.i] = tile;
        drawTile(worker, tile);
        // tiles stay in GPU order within their worker
        var next = null;
        Object.keys(worker.tiles).forEach(function (i) {
            var other = worker.tiles[i];
            if (+i > g.i && (next === null || +i < +next.dataset.gpu)) next = other.el;
        });
        worker.el.insertBefore(el, next);
    }

    function addWorker(w, into) {
        var el = document.createElement('div');
        el.dataset.worker = w.id;
        el.setAttribute('role', 'group');
        var name = document.createElement('a');
        name.className = 'fw-name';
        name.href = 'worker.xhtml?id=' + w.id;
        el.appendChild(name);
        var worker = {data: w, el: el, name: name, tiles: {}, order: null, hidden: null};
        workers[w.id] = worker;
        drawHeader(worker);
        w.gpus.forEach(function (g) { addTile(worker, g); });
        into.appendChild(el);
        return worker;
    }

    function same(a, b) {
        return a.l === b.l && a.x === b.x && a.t === b.t && a.v === b.v && a.u === b.u && a.p === b.p && a.n === b.n;
    }

    var seen = [];  // sample times of tiles patched, measured once the frame is drawn

    /* A changed worker: its line, and the tiles it carries (a delta carries only the changed ones). */
    function patchWorker(w, complete, into) {
        var worker = workers[w.id];
        if (!worker) {
            addWorker(w, into);
            return;
        }
        var old = worker.data;
        var gpus = {};
        old.gpus.forEach(function (g) { gpus[g.i] = g; });
        w.gpus.forEach(function (g) { gpus[g.i] = g; });
        if (complete) {
            var present = {};
            w.gpus.forEach(function (g) { present[g.i] = true; });
            Object.keys(gpus).forEach(function (i) { if (!present[i]) { removeTile(worker, +i); delete gpus[i]; } });
        }
        var statusChanged = old.online !== w.online;
        worker.data = {id: w.id, name: w.name, host: w.host, online: w.online, ac: w.ac, aw: w.aw,
            gpus: Object.keys(gpus).map(function (i) { return gpus[i]; }).sort(function (a, b) { return a.i - b.i; })};
        w.gpus.forEach(function (g) {
            var tile = worker.tiles[g.i];
            if (!tile) {
                addTile(worker, g);
                return;
            }
            var sampleChanged = tile.data.s !== g.s;
            if (!same(tile.data, g) || statusChanged) {
                tile.data = g;
                drawTile(worker, tile);
                stats.patchedTiles++;
                if (sampleChanged) seen.push(g.s);
            } else {
                tile.data = g;
            }
        });
        if (statusChanged) {
            Object.keys(worker.tiles).forEach(function (i) { drawTile(worker, worker.tiles[i]); });
        }
        drawHeader(worker);
    }

    function removeTile(worker, index) {
        var tile = worker.tiles[index];
        if (tile) {
            tile.el.remove();
            delete worker.tiles[index];
        }
        worker.data.gpus = worker.data.gpus.filter(function (g) { return g.i !== index; });
    }

    function removeWorker(id) {
        var worker = workers[id];
        if (worker) {
            worker.el.remove();
            delete workers[id];
        }
    }

    function summary(s) {
        var put = function (id, value) { document.getElementById(id).textContent = value; };
        put('sum-online', s.online);
        put('sum-offline', s.offline);
        put('sum-critical', s.critical);
        put('sum-warning', s.warning);
        put('sum-ok', s.ok);
        put('sum-gpus-offline', s.gpus_offline);
        put('sum-alerts-critical', s.alerts_critical);
        put('sum-alerts-warning', s.alerts_warning);
    }

    /* Sort and filter by CSS order and hidden: no element is re-created, only those whose place changed are touched. */
    function arrange() {
        var all = Object.keys(workers).map(function (id) { return workers[id]; });
        var shown = all.filter(function (worker) { return matches(worker.data); });
        var compare = comparator();
        shown.sort(function (a, b) { return compare(a.data, b.data); });
        var visible = {};
        shown.forEach(function (worker, index) {
            visible[worker.data.id] = true;
            if (worker.order !== index) {
                worker.order = index;
                worker.el.style.order = index;
            }
            if (worker.hidden !== false) {
                worker.hidden = false;
                worker.el.hidden = false;
            }
        });
        all.forEach(function (worker) {
            if (!visible[worker.data.id] && worker.hidden !== true) {
                worker.hidden = true;
                worker.el.hidden = true;
            }
        });
        document.getElementById('fleet-shown').textContent = shown.length + ' of ' + all.length + ' workers shown';
        var link = query(filter);
        document.getElementById('fleet-cards-link').href = 'hardware.xhtml' + (link ? '?' + link : '');
    }

    function measured() {
        if (!seen.length) return;
        var times = seen;
        seen = [];
        requestAnimationFrame(function () {
            var now = Date.now();
            times.forEach(function (s) { stats.latencies.push(now - s); });
            if (stats.latencies.length > 50000) stats.latencies.splice(0, stats.latencies.length - 50000);
        });
    }

    /* ---- the document and the deltas ---- */

    function load() {
        if (fetching) {
            fetchAgain = true;
            return;
        }
        fetching = true;
        stats.fetches++;
        var failed = false;
        fetch(context + '/admin/fleet.json', {credentials: 'same-origin', cache: 'no-store'}).then(function (response) {
            if (response.redirected && response.url.indexOf('login.xhtml') >= 0) {
                location.reload();  // the session ended: the page's own request leads to the login page
                throw new Error('signed out');
            }
            if (!response.ok || (response.headers.get('Content-Type') || '').indexOf('application/json') < 0) {
                throw new Error('the fleet document answered ' + response.status);
            }
            return response.text();
        }).then(function (text) {
            stats.fetchBytes += text.length;
            draw(JSON.parse(text));
        }).catch(function (error) {
            failed = true;
            stats.lastError = String(error.message);
            state('fleet not read: ' + stats.lastError, 'off');
        }).finally(function () {
            fetching = false;
            if (failed) {
                setTimeout(load, 2000);
            } else if (fetchAgain || version < newest) {
                fetchAgain = false;
                load();
            } else {
                var waiting = queued;
                queued = [];
                waiting.forEach(apply);
            }
        });
    }

    function draw(document_) {
        var fragment = document.createDocumentFragment();
        var present = {};
        document_.workers.forEach(function (w) {
            present[w.id] = true;
            patchWorker(w, true, fragment);
        });
        Object.keys(workers).forEach(function (id) { if (!present[id]) removeWorker(id); });
        grid.appendChild(fragment);
        version = document_.version;
        stats.version = version;
        summary(document_.summary);
        arrange();
        measured();
        if (!loaded) {
            loaded = true;
            requestAnimationFrame(function () { stats.firstDrawnMs = performance.now(); });
        }
    }

    function apply(delta) {
        if (!loaded || fetching) {
            if (queued.length >= 4) {
                queued = [];
                fetchAgain = fetching;  // too many while reading: read again rather than replay them
            } else {
                queued.push(delta);
            }
            return;
        }
        if (delta.version <= version) return;
        if (delta.version !== version + 1) {
            load();
            return;
        }
        var fragment = document.createDocumentFragment();
        delta.changed.forEach(function (w) { patchWorker(w, false, fragment); });
        grid.appendChild(fragment);
        delta.removed.forEach(function (key) {
            var parts = String(key).split(':');
            if (parts.length === 1) {
                removeWorker(parts[0]);
            } else if (workers[parts[0]]) {
                removeTile(workers[parts[0]], +parts[1]);
                drawHeader(workers[parts[0]]);
            }
        });
        version = delta.version;
        stats.version = version;
        summary(delta.summary);
        if (delta.changed.length || delta.removed.length) arrange();
        measured();
    }

    function state(text, cls) {
        var badge = document.getElementById('live-state');
        badge.textContent = text;
        badge.className = 'live-state ' + cls;
    }

    function connect() {
        if (held) {
            setTimeout(connect, 100);
            return;
        }
        socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + context + '/admin/push/fleet');
        socket.onopen = function () {
            stats.connects++;
            delay = 500;
            state('live', 'on');
        };
        socket.onmessage = function (message) {
            var push = JSON.parse(message.data);
            if (push.current !== undefined) {
                // the first message: the fleet's version as the socket joined; newer than drawn means a push was
                // missed (before this socket opened, or while it was down): read the document again
                newest = Math.max(newest, push.current);
                if (loaded && !fetching && version < newest) load();
                return;
            }
            stats.messages++;
            stats.bytes += message.data.length;
            apply(push);
        };
        socket.onclose = function () {
            state('reconnecting…', 'off');
            setTimeout(connect, delay);
            delay = Math.min(delay * 2, 15000);
        };
    }

    /* ---- controls and the URL ---- */

    var controls = {sort: document.getElementById('fleet-sort'), status: document.getElementById('fleet-status'),
        level: document.getElementById('fleet-level'), q: document.getElementById('fleet-search'),
        alert: document.getElementById('fleet-alert')};

    function show(f) {
        controls.sort.value = f.sort;
        controls.status.value = f.status;
        controls.level.value = f.level;
        controls.q.value = f.q;
        controls.alert.checked = f.alert;
    }

    function chosen() {
        return {sort: controls.sort.value, status: controls.status.value, level: controls.level.value,
            q: controls.q.value.trim().slice(0, 100), alert: controls.alert.checked};
    }

    var typing = null;

    function changed(remember) {
        filter = chosen();
        arrange();
        clearTimeout(typing);
        var push = function () {
            var next = query(filter);
            if (next !== location.search.replace(/^\?/, '')) {
                history.pushState(null, '', location.pathname + (next ? '?' + next : ''));
            }
        };
        if (remember) push(); else typing = setTimeout(push, 500);
    }

    ['sort', 'status', 'level', 'alert'].forEach(function (name) {
        controls[name].addEventListener('change', function () { changed(true); });
    });
    controls.q.addEventListener('input', function () { changed(false); });
    controls.q.addEventListener('change', function () { changed(true); });
    window.addEventListener('popstate', function () {
        filter = parse(location.search);
        show(filter);
        arrange();
    });

    /* hover or focus: the tile's reading, also for a screen reader */
    var focus = document.getElementById('fleet-focus');
    var tell = function (event) {
        var target = event.target;
        if (target.classList && (target.classList.contains('ft') || target.classList.contains('fw-name'))) {
            focus.textContent = target.getAttribute('aria-label') || target.title;
        }
    };
    grid.addEventListener('focusin', tell);
    grid.addEventListener('mouseover', tell);

    show(filter);
    if (window.fetch && window.WebSocket) {
        load();
        connect();
    } else {
        state('not live: this browser lacks fetch or WebSocket', 'off');
    }

    return {
        stats: function () { return stats; },
        version: function () { return version; },
        /* Closes the push socket and keeps it closed until hold(false): what a dropped connection looks like. */
        hold: function (on) {
            held = on;
            if (on && socket) socket.close();
        }
    };
})();
