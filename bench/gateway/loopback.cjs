// Preloaded into Portkey's gateway (node -r): it has no option for the address it binds, and servers started
// for the benchmark must listen on 127.0.0.1 only.
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'object' && args[0] !== null) args[0] = { ...args[0], host: '127.0.0.1' };
  else if (typeof args[0] === 'number' || typeof args[0] === 'string') {
    const rest = args.slice(1).filter((a) => typeof a !== 'string');
    args = [args[0], '127.0.0.1', ...rest];
  }
  return listen.apply(this, args);
};
