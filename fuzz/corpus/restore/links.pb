N
link/xD
@ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bbL
fifoD
@ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bbS
	new/dir/fD
@ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb 