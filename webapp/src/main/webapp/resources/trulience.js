/* The live grid is re-rendered by Faces ajax; carrying each bar's old width and level over to its new element
   lets the CSS transitions animate the change instead of jumping. */
var trulience = (function () {
    var before = {};

    function gauges() {
        return document.querySelectorAll('.gauge[data-key]');
    }

    function morph(data) {
        if (data.status === 'begin') {
            before = {};
            gauges().forEach(function (gauge) {
                before[gauge.dataset.key] = {width: gauge.querySelector('.gauge-fill').style.width, className: gauge.className};
            });
        } else if (data.status === 'success') {
            var moved = [];
            gauges().forEach(function (gauge) {
                var old = before[gauge.dataset.key];
                if (!old) {
                    return;
                }
                var fill = gauge.querySelector('.gauge-fill');
                moved.push({gauge: gauge, fill: fill, width: fill.style.width, className: gauge.className});
                fill.style.width = old.width;
                gauge.className = old.className;
            });
            void document.body.offsetWidth; // the old state is laid out before the new one is set
            moved.forEach(function (m) {
                m.fill.style.width = m.width;
                m.gauge.className = m.className;
            });
        }
    }

    function state(text, cls) {
        var badge = document.getElementById('live-state');
        if (badge) {
            badge.textContent = text;
            badge.className = 'live-state ' + cls;
        }
    }

    /* One refresh at a time: changes that arrive meanwhile fold into one more refresh when it is done. */
    var busy = false, again = false, pushes = 0, refresh = function () {};

    function run() {
        if (busy) {
            again = true;
            return;
        }
        busy = true;
        refresh();
    }

    function refreshed() {
        busy = false;
        if (again) {
            again = false;
            run();
        }
    }

    /* The fleet version the page was drawn from, where it says (the cards view); null elsewhere (the worker page). */
    function drawnVersion() {
        var drawn = document.querySelector('[data-fleet-version]');
        return drawn ? Number(drawn.getAttribute('data-fleet-version')) : null;
    }

    var socket = null, held = false;

    function listen(path, refreshCommand) {
        var delay = 500;
        refresh = refreshCommand;
        if (!window.WebSocket) {
            state('not live', 'off');
            return;
        }
        function connect() {
            if (held) {
                setTimeout(connect, 100);
                return;
            }
            socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path);
            socket.onopen = function () {
                delay = 500;
                state('live', 'on');
            };
            socket.onmessage = function (message) {
                // The first message is the version the fleet is at ({"current":N}): a push may have gone out between
                // this page's render and its socket, or while the socket was down. Drawn from that version: nothing missed.
                var push = JSON.parse(message.data);
                if (push.current !== undefined && push.current === drawnVersion()) {
                    return;
                }
                pushes++;
                run();
            };
            socket.onclose = function () {
                state('reconnecting…', 'off');
                setTimeout(connect, delay);
                delay = Math.min(delay * 2, 15000);
            };
        }
        connect();
    }

    function two(n) {
        return (n < 10 ? '0' : '') + n;
    }

    var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

    /* p:chart extender: the server sends epoch milliseconds on a linear axis; show them as UTC times. */
    function timeAxis() {
        var options = this.cfg.config.options;
        var x = options.scales.x;
        var long = x.max - x.min > 2 * 24 * 3600 * 1000;
        var format = function (ms) {
            var d = new Date(ms);
            var time = two(d.getUTCHours()) + ':' + two(d.getUTCMinutes());
            return long ? d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()] + ' ' + time : time;
        };
        x.ticks.callback = format;
        options.plugins.tooltip = {callbacks: {title: function (items) {
            return items.length ? format(items[0].parsed.x) + ' UTC' : '';
        }}};
    }

    /* Clipboard API where the page is a secure context (https, localhost); elsewhere the text is selected to copy by hand. */
    function copy(id, button) {
        var element = document.getElementById(id);
        var label = button.querySelector('.ui-button-text');
        var selectIt = function () {
            var range = document.createRange();
            range.selectNodeContents(element);
            window.getSelection().removeAllRanges();
            window.getSelection().addRange(range);
            label.textContent = 'Selected: press Ctrl+C';
        };
        if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(element.textContent).then(function () { label.textContent = 'Copied'; }, selectIt);
        } else {
            selectIt();
        }
    }

    return {morph: morph, listen: listen, refreshed: refreshed, timeAxis: timeAxis, copy: copy,
        state: function () { return {pushes: pushes, busy: busy, again: again, drawn: drawnVersion()}; },
        /* Closes the push socket and keeps it closed until hold(false): what a dropped connection looks like. */
        hold: function (on) {
            held = on;
            if (on && socket) socket.close();
        }};
})();
