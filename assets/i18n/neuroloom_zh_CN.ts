<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>NeuroLoom</name>
    <message>
        <source>shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>dtype</source>
        <translation>数据类型</translation>
    </message>
    <message>
        <source>out features</source>
        <translation>输出特征数</translation>
    </message>
    <message>
        <source>bias</source>
        <translation>偏置</translation>
    </message>
    <message>
        <source>start dim</source>
        <translation>起始维度</translation>
    </message>
    <message>
        <source>end dim</source>
        <translation>结束维度</translation>
    </message>
    <message>
        <source>dim</source>
        <translation>维度</translation>
    </message>
    <message>
        <source>unflattened size</source>
        <translation>拆分后尺寸</translation>
    </message>
    <message>
        <source>p</source>
        <translation>p</translation>
    </message>
    <message>
        <source>negative slope</source>
        <translation>负斜率</translation>
    </message>
    <message>
        <source>alpha</source>
        <translation>alpha</translation>
    </message>
    <message>
        <source>approximate</source>
        <translation>近似方式</translation>
    </message>
    <message>
        <source>beta</source>
        <translation>beta</translation>
    </message>
    <message>
        <source>threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>eps</source>
        <translation>eps</translation>
    </message>
    <message>
        <source>momentum</source>
        <translation>动量</translation>
    </message>
    <message>
        <source>affine</source>
        <translation>仿射</translation>
    </message>
    <message>
        <source>elementwise affine</source>
        <translation>逐元素仿射</translation>
    </message>
    <message>
        <source>out channels</source>
        <translation>输出通道数</translation>
    </message>
    <message>
        <source>kernel size</source>
        <translation>卷积核大小</translation>
    </message>
    <message>
        <source>stride</source>
        <translation>步幅</translation>
    </message>
    <message>
        <source>padding</source>
        <translation>填充</translation>
    </message>
    <message>
        <source>dilation</source>
        <translation>膨胀</translation>
    </message>
    <message>
        <source>groups</source>
        <translation>分组数</translation>
    </message>
    <message>
        <source>output padding</source>
        <translation>输出填充</translation>
    </message>
    <message>
        <source>output size</source>
        <translation>输出尺寸</translation>
    </message>
    <message>
        <source>scale factor</source>
        <translation>缩放倍数</translation>
    </message>
    <message>
        <source>mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>hidden size</source>
        <translation>隐藏状态大小</translation>
    </message>
    <message>
        <source>num layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>nonlinearity</source>
        <translation>非线性函数</translation>
    </message>
    <message>
        <source>bidirectional</source>
        <translation>双向</translation>
    </message>
    <message>
        <source>dropout</source>
        <translation>dropout</translation>
    </message>
    <message>
        <source>output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>num embeddings</source>
        <translation>嵌入个数</translation>
    </message>
    <message>
        <source>embedding dim</source>
        <translation>嵌入维度</translation>
    </message>
    <message>
        <source>padding idx</source>
        <translation>填充编号</translation>
    </message>
    <message>
        <source>max len</source>
        <translation>最大长度</translation>
    </message>
    <message>
        <source>learned</source>
        <translation>可学习</translation>
    </message>
    <message>
        <source>num heads</source>
        <translation>头数</translation>
    </message>
    <message>
        <source>causal</source>
        <translation>因果遮罩</translation>
    </message>
    <message>
        <source>nhead</source>
        <translation>nhead</translation>
    </message>
    <message>
        <source>dim feedforward</source>
        <translation>前馈维度</translation>
    </message>
    <message>
        <source>activation</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>norm first</source>
        <translation>先归一化</translation>
    </message>
    <message>
        <source>size of one sample, without the batch</source>
        <translation>一个样本的尺寸，不含批次维度</translation>
    </message>
    <message>
        <source>float32 for features, int64 for token ids</source>
        <translation>特征用 float32，词元编号用 int64</translation>
    </message>
    <message>
        <source>number of output neurons</source>
        <translation>输出神经元的个数</translation>
    </message>
    <message>
        <source>add a learnable bias to each output</source>
        <translation>给每个输出加一个可学习的偏置</translation>
    </message>
    <message>
        <source>first dimension to flatten (1 = first after the batch)</source>
        <translation>开始展平的维度（1 = 批次之后的第一个维度）</translation>
    </message>
    <message>
        <source>last dimension to flatten (-1 = the last)</source>
        <translation>结束展平的维度（-1 = 最后一个）</translation>
    </message>
    <message>
        <source>the dimension to split</source>
        <translation>要拆分的维度</translation>
    </message>
    <message>
        <source>the new sizes</source>
        <translation>新的尺寸</translation>
    </message>
    <message>
        <source>new shape without the batch; one entry may be -1</source>
        <translation>不含批次的新形状；可以有一项为 -1</translation>
    </message>
    <message>
        <source>probability of zeroing a value</source>
        <translation>把一个值置零的概率</translation>
    </message>
    <message>
        <source>slope for negative inputs</source>
        <translation>负输入的斜率</translation>
    </message>
    <message>
        <source>value approached for large negative inputs</source>
        <translation>输入为很大的负数时趋近的值</translation>
    </message>
    <message>
        <source>exact or tanh approximation</source>
        <translation>精确计算或用 tanh 近似</translation>
    </message>
    <message>
        <source>dimension whose values sum to 1</source>
        <translation>值的总和为 1 的那个维度</translation>
    </message>
    <message>
        <source>dimension to normalize over</source>
        <translation>进行归一化的维度</translation>
    </message>
    <message>
        <source>sharpness of the curve</source>
        <translation>曲线的陡峭程度</translation>
    </message>
    <message>
        <source>above beta·x = threshold, return x</source>
        <translation>beta·x 超过 threshold 时直接返回 x</translation>
    </message>
    <message>
        <source>added to the variance to avoid division by zero</source>
        <translation>加到方差上，避免除以零</translation>
    </message>
    <message>
        <source>weight of the newest batch in the running statistics</source>
        <translation>最新批次在滑动统计量中的权重</translation>
    </message>
    <message>
        <source>learn a scale and shift per channel</source>
        <translation>为每个通道学习缩放和平移</translation>
    </message>
    <message>
        <source>learn a scale per feature</source>
        <translation>为每个特征学习缩放</translation>
    </message>
    <message>
        <source>learn a shift per feature (with elementwise_affine)</source>
        <translation>为每个特征学习平移（需要 elementwise_affine）</translation>
    </message>
    <message>
        <source>number of filters (output channels)</source>
        <translation>滤波器的个数（输出通道数）</translation>
    </message>
    <message>
        <source>size of each filter</source>
        <translation>每个滤波器的大小</translation>
    </message>
    <message>
        <source>step between filter positions</source>
        <translation>滤波器每次移动的距离</translation>
    </message>
    <message>
        <source>zeros added at each border ('same' keeps the size)</source>
        <translation>在每条边上补的零（'same' 保持尺寸不变）</translation>
    </message>
    <message>
        <source>spacing between filter taps</source>
        <translation>滤波器各抽头之间的间距</translation>
    </message>
    <message>
        <source>split channels into independent groups</source>
        <translation>把通道分成相互独立的组</translation>
    </message>
    <message>
        <source>add a learnable bias per output channel</source>
        <translation>给每个输出通道加一个可学习的偏置</translation>
    </message>
    <message>
        <source>extra size added to one side of the output</source>
        <translation>在输出的一侧额外增加的尺寸</translation>
    </message>
    <message>
        <source>size of each pooling window</source>
        <translation>每个池化窗口的大小</translation>
    </message>
    <message>
        <source>step between windows (empty = kernel_size)</source>
        <translation>窗口之间的步长（留空 = kernel_size）</translation>
    </message>
    <message>
        <source>padding at each border (at most half the kernel)</source>
        <translation>每条边上的填充（最多为窗口的一半）</translation>
    </message>
    <message>
        <source>height and width of the output</source>
        <translation>输出的高和宽</translation>
    </message>
    <message>
        <source>how many times larger</source>
        <translation>放大多少倍</translation>
    </message>
    <message>
        <source>how new values are filled in</source>
        <translation>新值如何填充</translation>
    </message>
    <message>
        <source>size of the hidden state</source>
        <translation>隐藏状态的大小</translation>
    </message>
    <message>
        <source>recurrent layers stacked on each other</source>
        <translation>堆叠的循环层数</translation>
    </message>
    <message>
        <source>activation of the hidden state</source>
        <translation>隐藏状态的激活函数</translation>
    </message>
    <message>
        <source>also read the sequence backwards</source>
        <translation>同时反向读取序列</translation>
    </message>
    <message>
        <source>dropout between stacked layers</source>
        <translation>堆叠层之间的 dropout</translation>
    </message>
    <message>
        <source>learnable biases</source>
        <translation>可学习的偏置</translation>
    </message>
    <message>
        <source>'sequence': every step's output [T, H]; 'last': the final state [H]</source>
        <translation>'sequence'：每一步的输出 [T, H]；'last'：最后的状态 [H]</translation>
    </message>
    <message>
        <source>vocabulary size (ids 0 .. num_embeddings-1)</source>
        <translation>词表大小（编号 0 .. num_embeddings-1）</translation>
    </message>
    <message>
        <source>length of each token's vector</source>
        <translation>每个词元向量的长度</translation>
    </message>
    <message>
        <source>an id whose vector stays zero (optional)</source>
        <translation>向量始终为零的编号（可选）</translation>
    </message>
    <message>
        <source>longest sequence supported</source>
        <translation>支持的最长序列</translation>
    </message>
    <message>
        <source>learn the position vectors instead of sine waves</source>
        <translation>学习位置向量，而不是使用正弦波</translation>
    </message>
    <message>
        <source>dropout after adding positions</source>
        <translation>加上位置之后的 dropout</translation>
    </message>
    <message>
        <source>parallel attention heads (must divide embed_dim)</source>
        <translation>并行的注意力头数（必须整除 embed_dim）</translation>
    </message>
    <message>
        <source>dropout on the attention weights</source>
        <translation>注意力权重上的 dropout</translation>
    </message>
    <message>
        <source>learnable biases in the projections</source>
        <translation>投影中的可学习偏置</translation>
    </message>
    <message>
        <source>each position sees only itself and earlier ones</source>
        <translation>每个位置只能看到自己和之前的位置</translation>
    </message>
    <message>
        <source>attention heads (must divide d_model)</source>
        <translation>注意力头数（必须整除 d_model）</translation>
    </message>
    <message>
        <source>width of the feed-forward network</source>
        <translation>前馈网络的宽度</translation>
    </message>
    <message>
        <source>dropout inside the block</source>
        <translation>块内部的 dropout</translation>
    </message>
    <message>
        <source>feed-forward activation</source>
        <translation>前馈网络的激活函数</translation>
    </message>
    <message>
        <source>normalize before attention (pre-LN, more stable when deep)</source>
        <translation>在注意力之前归一化（pre-LN，网络很深时更稳定）</translation>
    </message>
    <message>
        <source>dimension to join along (-1 = last)</source>
        <translation>沿哪个维度拼接（-1 = 最后一个）</translation>
    </message>
    <message>
        <source>which data to learn from</source>
        <translation>从哪些数据中学习</translation>
    </message>
    <message>
        <source>how many samples to generate</source>
        <translation>生成多少个样本</translation>
    </message>
    <message>
        <source>how much the samples are jittered (0 to 1)</source>
        <translation>样本的抖动程度（0 到 1）</translation>
    </message>
    <message>
        <source>random seed for generating and splitting</source>
        <translation>生成和划分数据用的随机种子</translation>
    </message>
    <message>
        <source>train, validation and test fractions</source>
        <translation>训练、验证和测试所占的比例</translation>
    </message>
    <message>
        <source>input features for 2-D data</source>
        <translation>二维数据的输入特征</translation>
    </message>
    <message>
        <source>digits as flat vectors [64] or images [1, 8, 8]</source>
        <translation>数字作为展平向量 [64] 还是图像 [1, 8, 8]</translation>
    </message>
    <message>
        <source>input window length for forecasting</source>
        <translation>预测时输入窗口的长度</translation>
    </message>
    <message>
        <source>sequence length for sequence classification</source>
        <translation>序列分类的序列长度</translation>
    </message>
    <message>
        <source>give sequences as integer token ids (for Embedding)</source>
        <translation>以整数词元编号给出序列（供 Embedding 使用）</translation>
    </message>
    <message>
        <source>CSV import settings</source>
        <translation>CSV 导入设置</translation>
    </message>
    <message>
        <source>image folder import settings</source>
        <translation>图像文件夹导入设置</translation>
    </message>
    <message>
        <source>what the network learns to produce</source>
        <translation>网络学习产生什么</translation>
    </message>
    <message>
        <source>what training minimizes</source>
        <translation>训练要最小化的量</translation>
    </message>
    <message>
        <source>how weights are updated</source>
        <translation>权重如何更新</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>SGD / RMSprop momentum</source>
        <translation>SGD / RMSprop 的动量</translation>
    </message>
    <message>
        <source>Nesterov momentum (SGD)</source>
        <translation>Nesterov 动量（SGD）</translation>
    </message>
    <message>
        <source>L2 penalty strength</source>
        <translation>L2 惩罚的强度</translation>
    </message>
    <message>
        <source>L1 penalty strength</source>
        <translation>L1 惩罚的强度</translation>
    </message>
    <message>
        <source>clip the gradient norm to this (0 = off)</source>
        <translation>把梯度范数裁剪到这个值（0 = 关闭）</translation>
    </message>
    <message>
        <source>how the learning rate changes</source>
        <translation>学习率如何变化</translation>
    </message>
    <message>
        <source>epochs of linear warm-up first</source>
        <translation>先进行线性预热的轮数</translation>
    </message>
    <message>
        <source>epochs between step decays</source>
        <translation>两次阶梯衰减之间的轮数</translation>
    </message>
    <message>
        <source>decay factor for step / exponential schedules</source>
        <translation>阶梯 / 指数调度的衰减系数</translation>
    </message>
    <message>
        <source>samples per step</source>
        <translation>每一步的样本数</translation>
    </message>
    <message>
        <source>passes over the training data</source>
        <translation>遍历训练数据的次数</translation>
    </message>
    <message>
        <source>random seed for weights and shuffling</source>
        <translation>权重初始化和打乱用的随机种子</translation>
    </message>
    <message>
        <source>where to train</source>
        <translation>在哪里训练</translation>
    </message>
    <message>
        <source>the CSV file (relative paths are relative to the project file)</source>
        <translation>CSV 文件（相对路径相对于项目文件）</translation>
    </message>
    <message>
        <source>the column to predict</source>
        <translation>要预测的列</translation>
    </message>
    <message>
        <source>feature columns (empty: every other column)</source>
        <translation>特征列（留空：其余所有列）</translation>
    </message>
    <message>
        <source>classification, regression, or decide from the target</source>
        <translation>分类、回归，或根据目标列自动判断</translation>
    </message>
    <message>
        <source>scale each feature to mean 0 and variance 1</source>
        <translation>把每个特征缩放到均值 0、方差 1</translation>
    </message>
    <message>
        <source>a folder with one sub-folder of images per class</source>
        <translation>一个文件夹，每个类别一个图像子文件夹</translation>
    </message>
    <message>
        <source>images are resized to this height and width</source>
        <translation>图像被缩放到这个高和宽</translation>
    </message>
    <message>
        <source>L for greyscale, RGB for colour</source>
        <translation>L 表示灰度，RGB 表示彩色</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>{name}[*] — NeuroLoom</source>
        <translation>{name}[*] — NeuroLoom</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>T&amp;rain</source>
        <translation>训练(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Lessons</source>
        <translation>课程(&amp;L)</translation>
    </message>
    <message>
        <source>Le&amp;nses</source>
        <translation>透镜(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Panels</source>
        <translation>面板(&amp;P)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Examples</source>
        <translation>示例(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <source>New empty network</source>
        <translation>新建空白网络</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save the project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Save the project under a new name</source>
        <translation>用新名称保存项目</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>Undo {what}</source>
        <translation>撤销 {what}</translation>
    </message>
    <message>
        <source>Redo {what}</source>
        <translation>重做 {what}</translation>
    </message>
    <message>
        <source>&amp;Fit All</source>
        <translation>显示全部(&amp;F)</translation>
    </message>
    <message>
        <source>Show the whole network</source>
        <translation>显示整个网络</translation>
    </message>
    <message>
        <source>&amp;Auto-layout</source>
        <translation>自动布局(&amp;A)</translation>
    </message>
    <message>
        <source>Arrange left to right</source>
        <translation>从左到右排列</translation>
    </message>
    <message>
        <source>&amp;Snap to Grid</source>
        <translation>吸附到网格(&amp;S)</translation>
    </message>
    <message>
        <source>Snap moved nodes to the grid</source>
        <translation>移动节点时吸附到网格</translation>
    </message>
    <message>
        <source>&amp;Dark Theme</source>
        <translation>深色主题(&amp;D)</translation>
    </message>
    <message>
        <source>Switch between light and dark</source>
        <translation>在浅色和深色之间切换</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>训练(&amp;T)</translation>
    </message>
    <message>
        <source>Train the network from fresh weights</source>
        <translation>从全新的权重开始训练网络</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>继续(&amp;R)</translation>
    </message>
    <message>
        <source>Pause or resume training</source>
        <translation>暂停或继续训练</translation>
    </message>
    <message>
        <source>&amp;Step</source>
        <translation>单步(&amp;S)</translation>
    </message>
    <message>
        <source>Train one batch</source>
        <translation>训练一个批次</translation>
    </message>
    <message>
        <source>St&amp;op</source>
        <translation>停止(&amp;O)</translation>
    </message>
    <message>
        <source>Stop training (the weights stay)</source>
        <translation>停止训练（权重保留）</translation>
    </message>
    <message>
        <source>&amp;Reset Weights</source>
        <translation>重置权重(&amp;R)</translation>
    </message>
    <message>
        <source>Forget what the network learned</source>
        <translation>忘掉网络学到的东西</translation>
    </message>
    <message>
        <source>&amp;Continue Training</source>
        <translation>继续训练(&amp;C)</translation>
    </message>
    <message>
        <source>Go on training the edited network; unchanged nodes keep their weights</source>
        <translation>继续训练编辑后的网络；没有改动的节点保留权重</translation>
    </message>
    <message>
        <source>Training &amp;Layout</source>
        <translation>训练布局(&amp;L)</translation>
    </message>
    <message>
        <source>Arrange the window for training</source>
        <translation>把窗口排列成适合训练的样子</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About NeuroLoom</source>
        <translation>关于 NeuroLoom(&amp;A)</translation>
    </message>
    <message>
        <source>About NeuroLoom</source>
        <translation>关于 NeuroLoom</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>Export the network as files other tools load, each verified</source>
        <translation>把网络导出为其他工具能加载的文件，每个文件都会验证</translation>
    </message>
    <message>
        <source>&amp;Weights…</source>
        <translation>权重(&amp;W)…</translation>
    </message>
    <message>
        <source>Load weights from safetensors or a state dict</source>
        <translation>从 safetensors 或 state dict 加载权重</translation>
    </message>
    <message>
        <source>PyTorch &amp;Module…</source>
        <translation>PyTorch 模块(&amp;M)…</translation>
    </message>
    <message>
        <source>Trace a PyTorch nn.Module onto a new canvas</source>
        <translation>把一个 PyTorch nn.Module 追踪到新的画布上</translation>
    </message>
    <message>
        <source>Cu&amp;t</source>
        <translation>剪切(&amp;T)</translation>
    </message>
    <message>
        <source>Cut the selected nodes</source>
        <translation>剪切选中的节点</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>Copy the selected nodes</source>
        <translation>复制选中的节点</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>粘贴(&amp;P)</translation>
    </message>
    <message>
        <source>Paste nodes</source>
        <translation>粘贴节点</translation>
    </message>
    <message>
        <source>&amp;Duplicate</source>
        <translation>复制一份(&amp;D)</translation>
    </message>
    <message>
        <source>Duplicate the selection</source>
        <translation>复制一份选中的内容</translation>
    </message>
    <message>
        <source>De&amp;lete</source>
        <translation>删除(&amp;L)</translation>
    </message>
    <message>
        <source>Delete the selection</source>
        <translation>删除选中的内容</translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Reset Weights</source>
        <translation>重置权重</translation>
    </message>
    <message>
        <source>Continue Training</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save As</source>
        <translation>另存为</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Cut</source>
        <translation>剪切</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>复制一份</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Select All</source>
        <translation>全选</translation>
    </message>
    <message>
        <source>Fit All</source>
        <translation>显示全部</translation>
    </message>
    <message>
        <source>Auto-layout</source>
        <translation>自动布局</translation>
    </message>
    <message>
        <source>Snap to Grid</source>
        <translation>吸附到网格</translation>
    </message>
    <message>
        <source>Dark Theme</source>
        <translation>深色主题</translation>
    </message>
    <message>
        <source>Training Layout</source>
        <translation>训练布局</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>PyTorch Module</source>
        <translation>PyTorch 模块</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>帮助</translation>
    </message>
    <message>
        <source>Lessons</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>Lenses</source>
        <translation>透镜</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Panels</source>
        <translation>面板</translation>
    </message>
    <message>
        <source>Open Recent</source>
        <translation>最近打开</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>示例</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>No recent projects</source>
        <translation>没有最近的项目</translation>
    </message>
    <message>
        <source>Clear Recent</source>
        <translation>清除最近记录</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>检查器</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Problems ({n})</source>
        <translation>问题 ({n})</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Live Views</source>
        <translation>实时视图</translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>Search layers…</source>
        <translation>搜索层…</translation>
    </message>
    <message>
        <source>The live views appear here once training is ready.</source>
        <translation>训练准备好之后，实时视图会显示在这里。</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>No problems: the network is valid.</source>
        <translation>没有问题：网络有效。</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>已打开</translation>
    </message>
    <message>
        <source>Input / Output</source>
        <translation>输入 / 输出</translation>
    </message>
    <message>
        <source>Core</source>
        <translation>核心</translation>
    </message>
    <message>
        <source>Activations</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>Normalization</source>
        <translation>归一化</translation>
    </message>
    <message>
        <source>Convolution &amp; Pooling</source>
        <translation>卷积与池化</translation>
    </message>
    <message>
        <source>Recurrent</source>
        <translation>循环</translation>
    </message>
    <message>
        <source>Attention &amp; Sequence</source>
        <translation>注意力与序列</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>合并</translation>
    </message>
    <message>
        <source>{n} nodes</source>
        <translation>{n} 个节点</translation>
    </message>
    <message>
        <source>{n} node</source>
        <translation>{n} 个节点</translation>
    </message>
    <message>
        <source>{n} edges</source>
        <translation>{n} 条边</translation>
    </message>
    <message>
        <source>{n} edge</source>
        <translation>{n} 条边</translation>
    </message>
    <message>
        <source>{n} parameters</source>
        <translation>{n} 个参数</translation>
    </message>
    <message>
        <source>{n} parameter</source>
        <translation>{n} 个参数</translation>
    </message>
    <message>
        <source>✓ Valid</source>
        <translation>✓ 有效</translation>
    </message>
    <message>
        <source>✗ {n} errors</source>
        <translation>✗ {n} 个错误</translation>
    </message>
    <message>
        <source>✗ {n} error</source>
        <translation>✗ {n} 个错误</translation>
    </message>
    <message>
        <source>⚠ {n} warnings</source>
        <translation>⚠ {n} 个警告</translation>
    </message>
    <message>
        <source>⚠ {n} warning</source>
        <translation>⚠ {n} 个警告</translation>
    </message>
    <message>
        <source>New network</source>
        <translation>新网络</translation>
    </message>
    <message>
        <source>Opened {name}</source>
        <translation>已打开 {name}</translation>
    </message>
    <message>
        <source>Saved {name}</source>
        <translation>已保存 {name}</translation>
    </message>
    <message>
        <source>Code copied to the clipboard</source>
        <translation>代码已复制到剪贴板</translation>
    </message>
    <message>
        <source>Copied {n} nodes</source>
        <translation>已复制 {n} 个节点</translation>
    </message>
    <message>
        <source>Copied {n} node</source>
        <translation>已复制 {n} 个节点</translation>
    </message>
    <message>
        <source>Nothing to paste: the clipboard holds no NeuroLoom nodes</source>
        <translation>没有可粘贴的内容：剪贴板里没有 NeuroLoom 节点</translation>
    </message>
    <message>
        <source>Restored unsaved changes of {name}</source>
        <translation>已恢复 {name} 未保存的更改</translation>
    </message>
    <message>
        <source>Cannot connect: {error}</source>
        <translation>无法连接：{error}</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>✓ Valid: ready to train</source>
        <translation>✓ 有效：可以训练</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Edges</source>
        <translation>边</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>INPUTS</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>OUTPUTS</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Select a node to edit its parameters.</source>
        <translation>选中一个节点来编辑它的参数。</translation>
    </message>
    <message>
        <source>PARAMETERS</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>ABOUT {type}</source>
        <translation>关于 {type}</translation>
    </message>
    <message>
        <source>This layer has no settings.</source>
        <translation>这一层没有设置。</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>PROBLEMS</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>{n} nodes selected</source>
        <translation>选中了 {n} 个节点</translation>
    </message>
    <message>
        <source>SHAPES</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>all axes</source>
        <translation>所有轴</translation>
    </message>
    <message>
        <source>per axis</source>
        <translation>逐轴</translation>
    </message>
    <message>
        <source>number</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>{n} errors</source>
        <translation>{n} 个错误</translation>
    </message>
    <message>
        <source>{n} error</source>
        <translation>{n} 个错误</translation>
    </message>
    <message>
        <source>{n} warnings</source>
        <translation>{n} 个警告</translation>
    </message>
    <message>
        <source>{n} warning</source>
        <translation>{n} 个警告</translation>
    </message>
    <message>
        <source>Copy the code to the clipboard</source>
        <translation>把代码复制到剪贴板</translation>
    </message>
    <message>
        <source>Generated PyTorch · model.py</source>
        <translation>生成的 PyTorch · model.py</translation>
    </message>
    <message>
        <source>Loading PyTorch…</source>
        <translation>正在加载 PyTorch…</translation>
    </message>
    <message>
        <source>Ready to train</source>
        <translation>可以训练</translation>
    </message>
    <message>
        <source>Stopping after this batch…</source>
        <translation>这个批次之后停止…</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Stop training to change the data or settings</source>
        <translation>停止训练后才能修改数据或设置</translation>
    </message>
    <message>
        <source>Run {id}</source>
        <translation>第 {id} 次运行</translation>
    </message>
    <message>
        <source>Epoch {epoch}/{epochs}</source>
        <translation>第 {epoch}/{epochs} 轮</translation>
    </message>
    <message>
        <source>step {n}</source>
        <translation>第 {n} 步</translation>
    </message>
    <message>
        <source>{n} samples/s</source>
        <translation>{n} 样本/秒</translation>
    </message>
    <message>
        <source>{n}k samples/s</source>
        <translation>{n}k 样本/秒</translation>
    </message>
    <message>
        <source>ETA {t}</source>
        <translation>剩余 {t}</translation>
    </message>
    <message>
        <source>The network changed, so training paused. Continue training keeps the weights of the nodes you did not change; new or resized nodes start fresh.</source>
        <translation>网络改动了，所以训练已暂停。继续训练会保留你没有改动的节点的权重；新增或改变大小的节点从头开始。</translation>
    </message>
    <message>
        <source>Continue training</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>重新开始</translation>
    </message>
    <message>
        <source>Train the edited network from fresh weights</source>
        <translation>用全新的权重训练编辑后的网络</translation>
    </message>
    <message>
        <source>●  Training — editing the network pauses it</source>
        <translation>●  训练中——编辑网络会暂停训练</translation>
    </message>
    <message>
        <source>Network edited — training paused</source>
        <translation>网络已编辑——训练已暂停</translation>
    </message>
    <message>
        <source>Training paused — edits apply when you continue</source>
        <translation>训练已暂停——继续训练时编辑才会生效</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Set {node}'s shape to {shape}</source>
        <translation>把 {node} 的形状设为 {shape}</translation>
    </message>
    <message>
        <source>the network has {n} Input nodes; training on a data set needs exactly one</source>
        <translation>网络有 {n} 个 Input 节点；在数据集上训练需要恰好一个</translation>
    </message>
    <message>
        <source>the network has {n} outputs; training on a data set needs exactly one</source>
        <translation>网络有 {n} 个输出；在数据集上训练需要恰好一个</translation>
    </message>
    <message>
        <source>Input {node} expects samples of shape {a} but the data set '{name}' gives {b}</source>
        <translation>Input {node} 需要形状为 {a} 的样本，但数据集“{name}”给出的是 {b}</translation>
    </message>
    <message>
        <source>The network has {n} errors; fix them first (see Problems)</source>
        <translation>网络有 {n} 个错误；请先修正它们（见“问题”）</translation>
    </message>
    <message>
        <source>The network has {n} error; fix it first (see Problems)</source>
        <translation>网络有 {n} 个错误；请先修正它（见“问题”）</translation>
    </message>
    <message>
        <source>no data loaded yet</source>
        <translation>还没有加载数据</translation>
    </message>
    <message>
        <source>Loading PyTorch… training starts in a moment</source>
        <translation>正在加载 PyTorch…训练马上开始</translation>
    </message>
    <message>
        <source>Weights reset to fresh random values</source>
        <translation>权重已重置为新的随机值</translation>
    </message>
    <message>
        <source>Training cannot run: {problem}</source>
        <translation>无法训练：{problem}</translation>
    </message>
    <message>
        <source>Training failed: {problem}</source>
        <translation>训练失败：{problem}</translation>
    </message>
    <message>
        <source>Weights reset; training cannot start yet: {problem}</source>
        <translation>权重已重置；还不能开始训练：{problem}</translation>
    </message>
    <message>
        <source>The network changed, so training paused. Continue training keeps the weights of the nodes you did not change.</source>
        <translation>网络改动了，所以训练已暂停。继续训练会保留你没有改动的节点的权重。</translation>
    </message>
    <message>
        <source>The network changed: continue training to take steps with the edited network</source>
        <translation>网络改动了：继续训练，才能用编辑后的网络单步训练</translation>
    </message>
    <message>
        <source>Training finished after {e} epochs ({s} steps)</source>
        <translation>训练完成，共 {e} 轮（{s} 步）</translation>
    </message>
    <message>
        <source>Training stopped after {e} epochs ({s} steps)</source>
        <translation>训练在 {e} 轮（{s} 步）后停止</translation>
    </message>
    <message>
        <source>Training diverged after {e} epochs ({s} steps)</source>
        <translation>训练在 {e} 轮（{s} 步）后发散</translation>
    </message>
    <message>
        <source>Training ended after {e} epochs ({s} steps)</source>
        <translation>训练在 {e} 轮（{s} 步）后结束</translation>
    </message>
    <message>
        <source>test accuracy {a}</source>
        <translation>测试准确率 {a}</translation>
    </message>
    <message>
        <source>test RMSE {r}</source>
        <translation>测试 RMSE {r}</translation>
    </message>
    <message>
        <source>Training continues: kept the weights of {n} node(s) ({kept})</source>
        <translation>训练继续：保留了 {n} 个节点的权重（{kept}）</translation>
    </message>
    <message>
        <source>fresh weights for {nodes}</source>
        <translation>{nodes} 使用新权重</translation>
    </message>
    <message>
        <source>LOSS AND OPTIMIZER</source>
        <translation>损失与优化器</translation>
    </message>
    <message>
        <source>LEARNING-RATE SCHEDULE</source>
        <translation>学习率调度</translation>
    </message>
    <message>
        <source>BATCHES</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>REGULARIZATION</source>
        <translation>正则化</translation>
    </message>
    <message>
        <source>DEVICE</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Momentum</source>
        <translation>动量</translation>
    </message>
    <message>
        <source>Nesterov</source>
        <translation>Nesterov</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>调度</translation>
    </message>
    <message>
        <source>Warm-up epochs</source>
        <translation>预热轮数</translation>
    </message>
    <message>
        <source>Step size</source>
        <translation>步长</translation>
    </message>
    <message>
        <source>Gamma</source>
        <translation>Gamma</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>L2 (weight decay)</source>
        <translation>L2（权重衰减）</translation>
    </message>
    <message>
        <source>L1</source>
        <translation>L1</translation>
    </message>
    <message>
        <source>Gradient clip</source>
        <translation>梯度裁剪</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>supervised</source>
        <translation>监督学习</translation>
    </message>
    <message>
        <source>reconstruction</source>
        <translation>重建</translation>
    </message>
    <message>
        <source>gan</source>
        <translation>GAN</translation>
    </message>
    <message>
        <source>max period</source>
        <translation>最长周期</translation>
    </message>
    <message>
        <source>scale</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>diffusion steps</source>
        <translation>扩散步数</translation>
    </message>
    <message>
        <source>noise schedule</source>
        <translation>噪声调度</translation>
    </message>
    <message>
        <source>points</source>
        <translation>点</translation>
    </message>
    <message>
        <source>Diffusion steps</source>
        <translation>扩散步数</translation>
    </message>
    <message>
        <source>Noise schedule</source>
        <translation>噪声调度</translation>
    </message>
    <message>
        <source>length of the embedding (even)</source>
        <translation>嵌入向量的长度（偶数）</translation>
    </message>
    <message>
        <source>period of the slowest wave, in time steps</source>
        <translation>最慢的波的周期（以时间步计）</translation>
    </message>
    <message>
        <source>numbers per input value (even)</source>
        <translation>每个输入值对应的数的个数（偶数）</translation>
    </message>
    <message>
        <source>the fastest wave's frequency, in radians per unit</source>
        <translation>最快的波的频率（每单位的弧度数）</translation>
    </message>
    <message>
        <source>how much slower the slowest wave is</source>
        <translation>最慢的波比最快的波慢多少倍</translation>
    </message>
    <message>
        <source>noise levels from data to pure noise (diffusion)</source>
        <translation>从数据到纯噪声的噪声级数（扩散）</translation>
    </message>
    <message>
        <source>how fast noise is added over the steps (diffusion)</source>
        <translation>噪声在各步中加入的快慢（扩散）</translation>
    </message>
    <message>
        <source>the shape you drew: [x, y] points in the plane (-6 to 6)</source>
        <translation>你画的形状：平面上的 [x, y] 点（-6 到 6）</translation>
    </message>
    <message>
        <source>linear</source>
        <translation>线性</translation>
    </message>
    <message>
        <source>Diffusion view</source>
        <translation>扩散视图</translation>
    </message>
    <message>
        <source>Diffusion model</source>
        <translation>扩散模型</translation>
    </message>
    <message>
        <source>Left: real points dissolving into noise, a little more at every step (the forward process). Right: points drawn by the network, starting as pure noise; at each step it guesses the noise and removes it, and the points walk back onto the data (the reverse process). Press Play or drag the slider.</source>
        <translation>左：真实的点每一步都多溶进一点噪声（前向过程）。右：网络画出的点，从纯噪声开始；每一步它猜出噪声并把它去掉，点就一步步走回数据上（反向过程）。按“播放”或拖动滑块。</translation>
    </message>
    <message>
        <source>forward: data → noise</source>
        <translation>前向：数据 → 噪声</translation>
    </message>
    <message>
        <source>reverse: noise → new samples</source>
        <translation>反向：噪声 → 新样本</translation>
    </message>
    <message>
        <source>Press Train: the network's samples appear here.</source>
        <translation>按下“训练”：网络生成的样本会出现在这里。</translation>
    </message>
    <message>
        <source>Play the walk from noise to samples</source>
        <translation>播放从噪声走到样本的过程</translation>
    </message>
    <message>
        <source>noise</source>
        <translation>噪声</translation>
    </message>
    <message>
        <source>data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>The step: how much noise there is</source>
        <translation>时间步：噪声有多少</translation>
    </message>
    <message>
        <source>t = {step} / {steps} · {signal} signal</source>
        <translation>t = {step} / {steps} · 信号 {signal}</translation>
    </message>
    <message>
        <source>Press Train: the network learns to find the noise hidden in noised points.</source>
        <translation>按下“训练”：网络学习找出藏在加噪点里的噪声。</translation>
    </message>
    <message>
        <source>distance between samples and data {value}</source>
        <translation>样本与数据之间的距离 {value}</translation>
    </message>
    <message>
        <source>the untrained network cannot find the noise yet: its points fly apart</source>
        <translation>未训练的网络还找不出噪声：它的点四散飞开</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>real points, noised</source>
        <translation>加了噪声的真实点</translation>
    </message>
    <message>
        <source>the network's samples</source>
        <translation>网络生成的样本</translation>
    </message>
    <message>
        <source>Drag to draw points; drag with the right button to rub them out</source>
        <translation>拖动鼠标画点；按住右键拖动可擦掉点</translation>
    </message>
    <message>
        <source>Heart</source>
        <translation>爱心</translation>
    </message>
    <message>
        <source>Start from a heart</source>
        <translation>从一颗爱心开始</translation>
    </message>
    <message>
        <source>{count} points</source>
        <translation>{count} 个点</translation>
    </message>
    <message>
        <source>constant</source>
        <translation>恒定</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>exponential</source>
        <translation>指数</translation>
    </message>
    <message>
        <source>cosine</source>
        <translation>余弦</translation>
    </message>
    <message>
        <source>Auto ({device})</source>
        <translation>自动（{device}）</translation>
    </message>
    <message>
        <source>CUDA (no GPU found)</source>
        <translation>CUDA（未找到 GPU）</translation>
    </message>
    <message>
        <source>CUDA — {gpu}</source>
        <translation>CUDA — {gpu}</translation>
    </message>
    <message>
        <source>DATA SET</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>SETTINGS</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>PREVIEW</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Features</source>
        <translation>特征</translation>
    </message>
    <message>
        <source>the columns the network reads</source>
        <translation>网络读取的列</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>classification</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>regression</source>
        <translation>回归</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Standardize</source>
        <translation>标准化</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>Noise</source>
        <translation>噪声</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>flat</source>
        <translation>展平</translation>
    </message>
    <message>
        <source>image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <source>Seq len</source>
        <translation>序列长度</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>划分</translation>
    </message>
    <message>
        <source>train, validation and test shares</source>
        <translation>训练、验证和测试所占的份额</translation>
    </message>
    <message>
        <source>train share of the samples</source>
        <translation>训练集占样本的份额</translation>
    </message>
    <message>
        <source>val share of the samples</source>
        <translation>验证集占样本的份额</translation>
    </message>
    <message>
        <source>test share of the samples</source>
        <translation>测试集占样本的份额</translation>
    </message>
    <message>
        <source>what the network sees of each point</source>
        <translation>网络看到每个点的哪些特征</translation>
    </message>
    <message>
        <source>no file chosen</source>
        <translation>没有选择文件</translation>
    </message>
    <message>
        <source>No data yet.</source>
        <translation>还没有数据。</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>路径</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>{n} train</source>
        <translation>训练 {n}</translation>
    </message>
    <message>
        <source>{n} validation</source>
        <translation>验证 {n}</translation>
    </message>
    <message>
        <source>{n} test</source>
        <translation>测试 {n}</translation>
    </message>
    <message>
        <source>negative</source>
        <translation>负类</translation>
    </message>
    <message>
        <source>positive</source>
        <translation>正类</translation>
    </message>
    <message>
        <source>class {n}</source>
        <translation>类别 {n}</translation>
    </message>
    <message>
        <source>TEST METRICS</source>
        <translation>测试指标</translation>
    </message>
    <message>
        <source>Score the network on the test split now (also while it trains)</source>
        <translation>现在就在测试集上给网络打分（训练时也可以）</translation>
    </message>
    <message>
        <source>Measure now</source>
        <translation>立即测量</translation>
    </message>
    <message>
        <source>Predicted against true values appear here when the network is available.</source>
        <translation>网络可用后，这里会显示预测值与真实值的对比。</translation>
    </message>
    <message>
        <source>predicted value</source>
        <translation>预测值</translation>
    </message>
    <message>
        <source>true value</source>
        <translation>真实值</translation>
    </message>
    <message>
        <source>test samples</source>
        <translation>测试样本</translation>
    </message>
    <message>
        <source>Test samples</source>
        <translation>测试样本</translation>
    </message>
    <message>
        <source>error: predicted − true</source>
        <translation>误差：预测值 − 真实值</translation>
    </message>
    <message>
        <source>true class</source>
        <translation>真实类别</translation>
    </message>
    <message>
        <source>predicted class</source>
        <translation>预测类别</translation>
    </message>
    <message>
        <source>accuracy per class (%)</source>
        <translation>各类别准确率 (%)</translation>
    </message>
    <message>
        <source>MISCLASSIFIED</source>
        <translation>分错的样本</translation>
    </message>
    <message>
        <source>The test split's scores appear here when training ends, or press Measure now.</source>
        <translation>训练结束时这里会显示测试集的得分，也可以按“立即测量”。</translation>
    </message>
    <message>
        <source>DECISION BOUNDARY</source>
        <translation>决策边界</translation>
    </message>
    <message>
        <source>Draw the held-out test points (rings) over the picture</source>
        <translation>在图上画出留出的测试点（圆环）</translation>
    </message>
    <message>
        <source>Show test data</source>
        <translation>显示测试数据</translation>
    </message>
    <message>
        <source>Press Train: the network's answer over its input appears here.</source>
        <translation>按下“训练”：这里会显示网络在整个输入上的回答。</translation>
    </message>
    <message>
        <source>TRAINING CURVES</source>
        <translation>训练曲线</translation>
    </message>
    <message>
        <source>Plot against epochs (fair across batch sizes) or optimizer steps</source>
        <translation>按轮数（不同批大小之间可比）或优化器步数作图</translation>
    </message>
    <message>
        <source>Epochs </source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Validation accuracy, or its complement the error rate</source>
        <translation>验证准确率，或它的补数错误率</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Error rate</source>
        <translation>错误率</translation>
    </message>
    <message>
        <source>Show the loss on a logarithmic axis: late progress stays visible</source>
        <translation>用对数坐标显示损失：后期的进展也看得清</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>对数坐标</translation>
    </message>
    <message>
        <source>Keep earlier runs of this session on the plots, muted, to compare</source>
        <translation>把本次会话中之前的运行以淡色留在图上，便于比较</translation>
    </message>
    <message>
        <source>Keep runs</source>
        <translation>保留运行</translation>
    </message>
    <message>
        <source>Forget earlier runs and empty the plots</source>
        <translation>忘掉之前的运行并清空图表</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>准确率 (%)</translation>
    </message>
    <message>
        <source>error rate (%)</source>
        <translation>错误率 (%)</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮</translation>
    </message>
    <message>
        <source>lr</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Point at the plots to read the values.</source>
        <translation>把鼠标指向图表即可读数。</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Show on each canvas node what it computes, live</source>
        <translation>在画布的每个节点上实时显示它计算的内容</translation>
    </message>
    <message>
        <source>Node previews</source>
        <translation>节点预览</translation>
    </message>
    <message>
        <source>Draw edges wider and stronger where the weights they feed are larger</source>
        <translation>边所连接的权重越大，边画得越粗越深</translation>
    </message>
    <message>
        <source>Edge weights</source>
        <translation>边的权重</translation>
    </message>
    <message>
        <source>after epoch {n}</source>
        <translation>第 {n} 轮之后</translation>
    </message>
    <message>
        <source>measured now</source>
        <translation>刚刚测量</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>error rate</source>
        <translation>错误率</translation>
    </message>
    <message>
        <source>training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>validation loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>RMSE</source>
        <translation>RMSE</translation>
    </message>
    <message>
        <source>MAE</source>
        <translation>MAE</translation>
    </message>
    <message>
        <source>R²</source>
        <translation>R²</translation>
    </message>
    <message>
        <source>Plot Options</source>
        <translation>绘图选项</translation>
    </message>
    <message>
        <source>Transforms</source>
        <translation>变换</translation>
    </message>
    <message>
        <source>Downsample</source>
        <translation>降采样</translation>
    </message>
    <message>
        <source>Average</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>数据点</translation>
    </message>
    <message>
        <source>Alpha</source>
        <translation>透明度</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <source>dy/dx</source>
        <translation>dy/dx</translation>
    </message>
    <message>
        <source>Y vs. Y'</source>
        <translation>Y 对 Y'</translation>
    </message>
    <message>
        <source>Power Spectrum (FFT)</source>
        <translation>功率谱 (FFT)</translation>
    </message>
    <message>
        <source>Subtract Mean</source>
        <translation>减去均值</translation>
    </message>
    <message>
        <source>Log X</source>
        <translation>对数 X</translation>
    </message>
    <message>
        <source>Log Y</source>
        <translation>对数 Y</translation>
    </message>
    <message>
        <source>Clip to View</source>
        <translation>裁剪到视野</translation>
    </message>
    <message>
        <source>Max Traces:</source>
        <translation>最多曲线数：</translation>
    </message>
    <message>
        <source>Forget hidden traces</source>
        <translation>忘掉隐藏的曲线</translation>
    </message>
    <message>
        <source>Peak</source>
        <translation>峰值</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <source>Subsample</source>
        <translation>抽样</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>手动</translation>
    </message>
    <message>
        <source>Show X Grid</source>
        <translation>显示 X 网格</translation>
    </message>
    <message>
        <source>Show Y Grid</source>
        <translation>显示 Y 网格</translation>
    </message>
    <message>
        <source>View All</source>
        <translation>查看全部</translation>
    </message>
    <message>
        <source>X axis</source>
        <translation>X 轴</translation>
    </message>
    <message>
        <source>Y axis</source>
        <translation>Y 轴</translation>
    </message>
    <message>
        <source>Mouse Mode</source>
        <translation>鼠标模式</translation>
    </message>
    <message>
        <source>3 button</source>
        <translation>三键</translation>
    </message>
    <message>
        <source>1 button</source>
        <translation>单键</translation>
    </message>
    <message>
        <source>Export...</source>
        <translation>导出...</translation>
    </message>
    <message>
        <source>Plot only the portion of each curve that is visible. This assumes X values are uniformly spaced.</source>
        <translation>只画出每条曲线可见的部分。这假定 X 值是均匀分布的。</translation>
    </message>
    <message>
        <source>If multiple curves are displayed in this plot, check this box to limit the number of traces that are displayed.</source>
        <translation>如果图中显示了多条曲线，勾选此项可以限制显示的曲线数。</translation>
    </message>
    <message>
        <source>Downsample by drawing a saw wave that follows the min and max of the original data. This method produces the best visual representation of the data but is slower.</source>
        <translation>画一条跟随原始数据最小值和最大值的锯齿波来降采样。这种方法显示效果最好，但较慢。</translation>
    </message>
    <message>
        <source>If multiple curves are displayed in this plot, check "Max Traces" and set this value to limit the number of traces that are displayed.</source>
        <translation>如果图中显示了多条曲线，勾选“最多曲线数”并设置这个值，可以限制显示的曲线数。</translation>
    </message>
    <message>
        <source>If MaxTraces is checked, remove curves from memory after they are hidden (saves memory, but traces can not be un-hidden).</source>
        <translation>勾选“最多曲线数”时，曲线隐藏后就从内存中删除（节省内存，但无法再显示）。</translation>
    </message>
    <message>
        <source>Downsample by taking the mean of N samples.</source>
        <translation>取 N 个样本的平均值来降采样。</translation>
    </message>
    <message>
        <source>Downsample by taking the first of N samples. This method is fastest and least accurate.</source>
        <translation>取 N 个样本中的第一个来降采样。这种方法最快，也最不准确。</translation>
    </message>
    <message>
        <source>Automatically downsample data based on the visible range. This assumes X values are uniformly spaced.</source>
        <translation>根据可见范围自动降采样。这假定 X 值是均匀分布的。</translation>
    </message>
    <message>
        <source>Downsample data before plotting. (plot every Nth sample)</source>
        <translation>作图前先降采样（每 N 个样本画一个）</translation>
    </message>
    <message>
        <source>Display averages of the curves displayed in this plot. The parameter list allows you to choose parameters to average over (if any are available).</source>
        <translation>显示图中曲线的平均值。参数列表可以选择在哪些参数上求平均（如果有的话）。</translation>
    </message>
    <message>
        <source>Invert X</source>
        <translation>反转 X</translation>
    </message>
    <message>
        <source>Invert Y</source>
        <translation>反转 Y</translation>
    </message>
    <message>
        <source>Link Axis:</source>
        <translation>关联坐标轴：</translation>
    </message>
    <message>
        <source>Visible Data Only</source>
        <translation>仅可见数据</translation>
    </message>
    <message>
        <source>Auto Pan Only</source>
        <translation>仅自动平移</translation>
    </message>
    <message>
        <source>Autoencoder on digits</source>
        <translation>数字自编码器</translation>
    </message>
    <message>
        <source>The encoder squeezes each 64-pixel digit into 2 numbers and the decoder rebuilds the image from them: the code space groups digits by shape.</source>
        <translation>编码器把每个 64 像素的数字压缩成 2 个数，解码器再从中重建图像：编码空间会按形状把数字分组。</translation>
    </message>
    <message>
        <source>CNN on 8x8 digits</source>
        <translation>8x8 数字上的 CNN</translation>
    </message>
    <message>
        <source>Two convolution and pooling stages find strokes and shapes in handwritten digits, then a Linear layer reads the class.</source>
        <translation>两级卷积和池化在手写数字中找出笔画和形状，然后一个 Linear 层读出类别。</translation>
    </message>
    <message>
        <source>GAN on two moons</source>
        <translation>双月牙上的 GAN</translation>
    </message>
    <message>
        <source>A generator turns random noise into points and a discriminator tells them from the real two moons; trained against each other, the generated points move onto the moons.</source>
        <translation>生成器把随机噪声变成点，判别器把它们和真实的两个月牙区分开；两者对抗训练，生成的点逐渐移到月牙上。</translation>
    </message>
    <message>
        <source>GRU sequence classifier</source>
        <translation>GRU 序列分类器</translation>
    </message>
    <message>
        <source>A GRU reads a sequence one step at a time and decides its class from its final state.</source>
        <translation>GRU 一次读入序列的一步，并根据最后的状态判断它的类别。</translation>
    </message>
    <message>
        <source>LSTM on a sine wave</source>
        <translation>正弦波上的 LSTM</translation>
    </message>
    <message>
        <source>An LSTM reads 16 past values of a noisy sine wave and predicts the next one.</source>
        <translation>LSTM 读入带噪声正弦波过去的 16 个值，预测下一个值。</translation>
    </message>
    <message>
        <source>MLP on the circle with L2</source>
        <translation>带 L2 的圆形数据 MLP</translation>
    </message>
    <message>
        <source>A small MLP separates the inner disc from the ring; an L2 penalty (weight decay) keeps its weights small and its boundary smooth.</source>
        <translation>一个小 MLP 把内部的圆盘和外面的圆环分开；L2 惩罚（权重衰减）让权重保持较小、边界保持平滑。</translation>
    </message>
    <message>
        <source>MLP on 8x8 digits</source>
        <translation>8x8 数字上的 MLP</translation>
    </message>
    <message>
        <source>Each 8x8 digit as a flat vector of 64 pixels; one hidden layer of 64 ReLU units reaches about 97% test accuracy.</source>
        <translation>每个 8x8 数字作为 64 像素的展平向量；一个有 64 个 ReLU 单元的隐藏层可以达到约 97% 的测试准确率。</translation>
    </message>
    <message>
        <source>MLP on the spiral</source>
        <translation>螺旋数据上的 MLP</translation>
    </message>
    <message>
        <source>Two intertwined spirals need a deeper network: two hidden layers of 16 tanh units, helped by sin(x1) and sin(x2) input features as in TensorFlow Playground.</source>
        <translation>两条缠绕的螺旋需要更深的网络：两个各有 16 个 tanh 单元的隐藏层，再像 TensorFlow Playground 那样加上 sin(x1) 和 sin(x2) 输入特征。</translation>
    </message>
    <message>
        <source>MLP on XOR</source>
        <translation>异或上的 MLP</translation>
    </message>
    <message>
        <source>One hidden layer of four tanh units bends the boundary: the multi-layer perceptron learns XOR.</source>
        <translation>一个有四个 tanh 单元的隐藏层让边界弯曲：多层感知机学会了异或。</translation>
    </message>
    <message>
        <source>Perceptron on XOR</source>
        <translation>异或上的感知机</translation>
    </message>
    <message>
        <source>A single Linear layer draws one straight line, so it cannot separate XOR's four corners. Train it and watch it fail.</source>
        <translation>单个 Linear 层只能画一条直线，所以分不开异或的四个角。训练它，看着它失败。</translation>
    </message>
    <message>
        <source>Residual MLP</source>
        <translation>残差 MLP</translation>
    </message>
    <message>
        <source>A skip connection adds a block's input to its output, so the gradient has a short path back: the idea behind ResNets.</source>
        <translation>跳跃连接把一个块的输入加到它的输出上，让梯度有一条回传的捷径：这就是 ResNet 背后的想法。</translation>
    </message>
    <message>
        <source>Transformer encoder classifier</source>
        <translation>Transformer 编码器分类器</translation>
    </message>
    <message>
        <source>Each step is projected to 32 numbers, tagged with its position, and mixed by self-attention before a Linear layer decides the class.</source>
        <translation>每一步先投影成 32 个数并标上位置，再经自注意力混合，最后由一个 Linear 层判断类别。</translation>
    </message>
    <message>
        <source>Lesson: one neuron</source>
        <translation>课程：一个神经元</translation>
    </message>
    <message>
        <source>A single neuron: two weights, a bias and a sigmoid (inside BCEWithLogitsLoss) draw one straight boundary between two clouds of points.</source>
        <translation>单个神经元：两个权重、一个偏置和一个 sigmoid（在 BCEWithLogitsLoss 里），在两团点之间画出一条直线边界。</translation>
    </message>
    <message>
        <source>Lesson: activation functions</source>
        <translation>课程：激活函数</translation>
    </message>
    <message>
        <source>Two hidden layers, one bent by a sigmoid and one by a ReLU; the softmax sits inside the cross-entropy loss.</source>
        <translation>两个隐藏层，一个用 sigmoid 弯折，一个用 ReLU；softmax 在交叉熵损失里面。</translation>
    </message>
    <message>
        <source>Lesson: loss functions</source>
        <translation>课程：损失函数</translation>
    </message>
    <message>
        <source>Two overlapping clouds: no boundary is perfect, so the choice of loss decides which mistakes the network minds most.</source>
        <translation>两团重叠的点：没有完美的边界，所以损失函数的选择决定了网络最在意哪些错误。</translation>
    </message>
    <message>
        <source>Lesson: optimizers and the learning rate</source>
        <translation>课程：优化器与学习率</translation>
    </message>
    <message>
        <source>Plain SGD with a modest learning rate: try momentum, RMSprop and Adam, and rates too small and too large.</source>
        <translation>学习率适中的普通 SGD：试试动量、RMSprop 和 Adam，以及太小和太大的学习率。</translation>
    </message>
    <message>
        <source>Lesson: overfitting</source>
        <translation>课程：过拟合</translation>
    </message>
    <message>
        <source>Thirty noisy training points and 17,000 weights: the network memorises the noise, and the validation loss turns up.</source>
        <translation>三十个带噪声的训练点和 17,000 个权重：网络把噪声都记住了，验证损失掉头上升。</translation>
    </message>
    <message>
        <source>Lesson: a deep sigmoid network</source>
        <translation>课程：很深的 sigmoid 网络</translation>
    </message>
    <message>
        <source>Eight sigmoid layers in a row: the gradient shrinks on its way back, and the first layers hardly learn.</source>
        <translation>连续八个 sigmoid 层：梯度在回传路上不断缩小，前几层几乎学不到东西。</translation>
    </message>
    <message>
        <source>Lesson: batch normalization and residual connections</source>
        <translation>课程：批归一化与残差连接</translation>
    </message>
    <message>
        <source>As deep as before, but every block normalizes its sums and adds its input back to its output: the gradient gets a short way home.</source>
        <translation>和之前一样深，但每个块都先归一化加权和，再把输入加回输出：梯度有了一条回家的捷径。</translation>
    </message>
    <message>
        <source>&amp;Start Page</source>
        <translation>起始页(&amp;S)</translation>
    </message>
    <message>
        <source>Start Page</source>
        <translation>起始页</translation>
    </message>
    <message>
        <source>Show the lessons</source>
        <translation>显示课程列表</translation>
    </message>
    <message>
        <source>&amp;Find Learning Rate…</source>
        <translation>查找学习率(&amp;F)…</translation>
    </message>
    <message>
        <source>Find Learning Rate</source>
        <translation>查找学习率</translation>
    </message>
    <message>
        <source>Sweep the learning rate on a copy of the network and suggest one</source>
        <translation>在网络的副本上扫描学习率，并给出建议值</translation>
    </message>
    <message>
        <source>Activation functions</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>Loss functions</source>
        <translation>损失函数</translation>
    </message>
    <message>
        <source>Optimizers</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Learning-rate finder</source>
        <translation>学习率查找器</translation>
    </message>
    <message>
        <source>Training diagnosis</source>
        <translation>训练诊断</translation>
    </message>
    <message>
        <source>Training timeline</source>
        <translation>训练时间线</translation>
    </message>
    <message>
        <source>GAN view</source>
        <translation>GAN 视图</translation>
    </message>
    <message>
        <source>Autoencoder view</source>
        <translation>自编码器视图</translation>
    </message>
    <message>
        <source>Kept for comparison: the boundary before this step</source>
        <translation>保留用于比较：这一步之前的边界</translation>
    </message>
    <message>
        <source>Show me</source>
        <translation>指给我看</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <source>Close lesson</source>
        <translation>关闭课程</translation>
    </message>
    <message>
        <source>No lesson open</source>
        <translation>没有打开的课程</translation>
    </message>
    <message>
        <source>Choose a lesson from the Lessons menu.</source>
        <translation>从“课程”菜单中选择一门课程。</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Step {number} of {total}</source>
        <translation>第 {number} 步，共 {total} 步</translation>
    </message>
    <message>
        <source>Start lesson</source>
        <translation>开始学习</translation>
    </message>
    <message>
        <source>Welcome to NeuroLoom</source>
        <translation>欢迎使用 NeuroLoom</translation>
    </message>
    <message>
        <source>Learn deep learning by building it: each lesson opens a small network and walks you through it in a few steps. Or close this page and start wiring layers on the canvas.</source>
        <translation>通过动手搭建来学习深度学习：每门课程会打开一个小网络，用几个步骤带你走一遍。也可以关闭这个页面，直接在画布上连接各层。</translation>
    </message>
    <message>
        <source>Go to the canvas</source>
        <translation>进入画布</translation>
    </message>
    <message>
        <source>Show this page at startup</source>
        <translation>启动时显示此页</translation>
    </message>
    <message>
        <source>Basics</source>
        <translation>基础</translation>
    </message>
    <message>
        <source>One neuron, then layers: what a network computes and what it is scored on.</source>
        <translation>从一个神经元到多层网络：网络计算什么，又按什么打分。</translation>
    </message>
    <message>
        <source>How a network learns, and what goes wrong when it does not.</source>
        <translation>网络如何学习，学不好时又是哪里出了问题。</translation>
    </message>
    <message>
        <source>Architectures</source>
        <translation>网络结构</translation>
    </message>
    <message>
        <source>Layers made for images, sequences and text.</source>
        <translation>为图像、序列和文本而设计的层。</translation>
    </message>
    <message>
        <source>Generative models</source>
        <translation>生成模型</translation>
    </message>
    <message>
        <source>Networks that make new data: points, digits, text.</source>
        <translation>能生成新数据的网络：点、数字、文字。</translation>
    </message>
    <message>
        <source>More lessons</source>
        <translation>更多课程</translation>
    </message>
    <message>
        <source>Load the data first: training is not ready yet</source>
        <translation>请先加载数据：训练还没有准备好</translation>
    </message>
    <message>
        <source>Diagnosis: {message}</source>
        <translation>诊断：{message}</translation>
    </message>
    <message>
        <source>Learning rate set to {rate}</source>
        <translation>学习率已设为 {rate}</translation>
    </message>
    <message>
        <source>The learning-rate finder failed: {problem}</source>
        <translation>学习率查找器失败：{problem}</translation>
    </message>
    <message>
        <source>The learning-rate finder cannot run: {problem}</source>
        <translation>学习率查找器无法运行：{problem}</translation>
    </message>
    <message>
        <source>Generative adversarial network</source>
        <translation>生成对抗网络</translation>
    </message>
    <message>
        <source>The generator turns noise into points; the discriminator scores how real a point looks. The shading is the discriminator's belief: blue where it says real, orange where it says generated.</source>
        <translation>生成器把噪声变成点；判别器给一个点打分，看它有多真实。底色表示判别器的判断：蓝色是它认为真实的地方，橙色是它认为生成的地方。</translation>
    </message>
    <message>
        <source>Press Train: the generated points start as a blob of noise.</source>
        <translation>按下“训练”：生成的点一开始只是一团噪声。</translation>
    </message>
    <message>
        <source>Autoencoder</source>
        <translation>自编码器</translation>
    </message>
    <message>
        <source>Top row: test digits. Below each, what the decoder rebuilt from the code. Right: every digit's code as a point, coloured by its class, which training never saw.</source>
        <translation>上面一行：测试数字。每个数字下面：解码器从编码重建出的图像。右边：每个数字的编码画成一个点，按类别着色，而训练时从没见过类别。</translation>
    </message>
    <message>
        <source>code 1</source>
        <translation>编码 1</translation>
    </message>
    <message>
        <source>code 2</source>
        <translation>编码 2</translation>
    </message>
    <message>
        <source>Press Train to see the reconstructions.</source>
        <translation>按下“训练”查看重建结果。</translation>
    </message>
    <message>
        <source>Epoch {epoch}</source>
        <translation>第 {epoch} 轮</translation>
    </message>
    <message>
        <source>real data</source>
        <translation>真实数据</translation>
    </message>
    <message>
        <source>generated</source>
        <translation>生成的</translation>
    </message>
    <message>
        <source>originals (top) and reconstructions (bottom)</source>
        <translation>原图（上）与重建（下）</translation>
    </message>
    <message>
        <source>code space</source>
        <translation>编码空间</translation>
    </message>
    <message>
        <source>Epoch {epoch} · reconstruction error {error}</source>
        <translation>第 {epoch} 轮 · 重建误差 {error}</translation>
    </message>
    <message>
        <source>distance between the clouds {value}</source>
        <translation>两团点之间的距离 {value}</translation>
    </message>
    <message>
        <source>cross-entropy</source>
        <translation>交叉熵</translation>
    </message>
    <message>
        <source>hinge</source>
        <translation>合页</translation>
    </message>
    <message>
        <source>0-1</source>
        <translation>0-1</translation>
    </message>
    <message>
        <source>MSE</source>
        <translation>MSE</translation>
    </message>
    <message>
        <source>Smooth L1</source>
        <translation>Smooth L1</translation>
    </message>
    <message>
        <source>Overfitting has begun: the validation loss rose from {a} (epoch {b}) to {c} while the training loss kept falling ({d} to {e}). The network is memorising its training samples. The best weights were those of epoch {f}; more data, L2, dropout or early stopping help.</source>
        <translation>过拟合已经开始：验证损失从 {a}（第 {b} 轮）升到 {c}，而训练损失还在下降（{d} 到 {e}）。网络在死记它的训练样本。最好的权重出现在第 {f} 轮；更多数据、L2、Dropout 或提前停止都有帮助。</translation>
    </message>
    <message>
        <source>The training loss has risen for {n} epochs in a row, to {a} from a low of {b}. A learning rate of {lr} is probably too large: each step overshoots. Try a rate several times smaller.</source>
        <translation>训练损失已连续 {n} 轮上升，从最低的 {b} 升到 {a}。学习率 {lr} 可能太大了：每一步都迈过了头。试试小几倍的学习率。</translation>
    </message>
    <message>
        <source>The loss diverged. {message}</source>
        <translation>损失发散了。{message}</translation>
    </message>
    <message>
        <source>Exploding gradients at {nodes}: one step moves these weights a long way. Lower the learning rate or turn on gradient clipping.</source>
        <translation>{nodes} 出现梯度爆炸：一步就把这些权重推出很远。请降低学习率或打开梯度裁剪。</translation>
    </message>
    <message>
        <source>Vanishing gradients at {nodes}: more than {n} times smaller than the largest ({largest}), so these layers barely learn. ReLU activations, batch normalization or residual connections keep the gradient flowing.</source>
        <translation>{nodes} 出现梯度消失：比最大的梯度（{largest}）小 {n} 倍以上，所以这些层几乎学不到东西。ReLU 激活函数、批归一化或残差连接能让梯度继续流动。</translation>
    </message>
    <message>
        <source>Dead ReLU units at {nodes}: these units output zero for every sample, so no gradient reaches them and they have stopped learning. A smaller learning rate or LeakyReLU helps.</source>
        <translation>{nodes} 出现死亡 ReLU 单元：这些单元对每个样本都输出零，梯度到不了它们，它们已经停止学习。更小的学习率或 LeakyReLU 会有帮助。</translation>
    </message>
    <message>
        <source>Narrow valley</source>
        <translation>狭长山谷</translation>
    </message>
    <message>
        <source>Rosenbrock's banana</source>
        <translation>Rosenbrock 香蕉函数</translation>
    </message>
    <message>
        <source>Himmelblau's four minima</source>
        <translation>Himmelblau 四极小值</translation>
    </message>
    <message>
        <source>English</source>
        <translation>English</translation>
    </message>
    <message>
        <source>简体中文</source>
        <translation>简体中文</translation>
    </message>
    <message>
        <source>true: {a}, predicted: {b}</source>
        <translation>真实：{a}，预测：{b}</translation>
    </message>
    <message>
        <source>MISCLASSIFIED ({n})</source>
        <translation>分错的样本 ({n})</translation>
    </message>
    <message>
        <source>Test images the network got wrong: true class → predicted class</source>
        <translation>网络分错的测试图像：真实类别 → 预测类别</translation>
    </message>
    <message>
        <source>This network reads {what}, which has no plane to draw its answer over.</source>
        <translation>这个网络读入的是{what}，没有可以画出回答的平面。</translation>
    </message>
    <message>
        <source>Watch the node previews on the canvas, and the Metrics tab when training ends.</source>
        <translation>请观察画布上的节点预览，训练结束后再看“指标”页。</translation>
    </message>
    <message>
        <source>images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>sequences</source>
        <translation>序列</translation>
    </message>
    <message>
        <source>sequences (stacked)</source>
        <translation>序列（堆叠）</translation>
    </message>
    <message>
        <source>tables</source>
        <translation>表格</translation>
    </message>
    <message>
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>time step</source>
        <translation>时间步</translation>
    </message>
    <message>
        <source>{n} classes</source>
        <translation>{n} 个类别</translation>
    </message>
    <message>
        <source>even</source>
        <translation>偶数</translation>
    </message>
    <message>
        <source>odd</source>
        <translation>奇数</translation>
    </message>
    <message>
        <source>prediction</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>step(x) = 1 if x &gt; 0, else 0</source>
        <translation>step(x) = 1（x &gt; 0 时），否则为 0</translation>
    </message>
    <message>
        <source>LeakyReLU(x) = x if x &gt; 0, else a·x</source>
        <translation>LeakyReLU(x) = x（x &gt; 0 时），否则为 a·x</translation>
    </message>
    <message>
        <source>ELU(x) = x if x &gt; 0, else α(eˣ − 1)</source>
        <translation>ELU(x) = x（x &gt; 0 时），否则为 α(eˣ − 1)</translation>
    </message>
    <message>
        <source>No test split: give the test share a few percent in Data to score the network.</source>
        <translation>没有测试集：在“数据”里给测试集分一点比例，才能给网络打分。</translation>
    </message>
    <message>
        <source>A GRU reads a sequence of tokens 0-3 one step at a time and decides from its final state whether the run 1, 2, 3 occurred somewhere in it.</source>
        <translation>GRU 一次一步地读入由 0-3 组成的词元序列，并根据最后的状态判断其中是否出现过连续的 1, 2, 3。</translation>
    </message>
    <message>
        <source>{n} param</source>
        <translation>{n} 个参数</translation>
    </message>
    <message>
        <source>{n} params</source>
        <translation>{n} 个参数</translation>
    </message>
    <message>
        <source>on</source>
        <translation>开</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>{port}: not connected</source>
        <translation>{port}：未连接</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Add {type}</source>
        <translation>添加 {type}</translation>
    </message>
    <message>
        <source>Delete {what}</source>
        <translation>删除 {what}</translation>
    </message>
    <message>
        <source>{n} connection</source>
        <translation>{n} 条连接</translation>
    </message>
    <message>
        <source>{n} connections</source>
        <translation>{n} 条连接</translation>
    </message>
    <message>
        <source>{n} nodes and {m} connections</source>
        <translation>{n} 个节点和 {m} 条连接</translation>
    </message>
    <message>
        <source>{n} nodes and {m} connection</source>
        <translation>{n} 个节点和 {m} 条连接</translation>
    </message>
    <message>
        <source>{n} node and {m} connections</source>
        <translation>{n} 个节点和 {m} 条连接</translation>
    </message>
    <message>
        <source>{n} node and {m} connection</source>
        <translation>{n} 个节点和 {m} 条连接</translation>
    </message>
    <message>
        <source>Connect {src} → {dst}</source>
        <translation>连接 {src} → {dst}</translation>
    </message>
    <message>
        <source>Disconnect {src} → {dst}</source>
        <translation>断开 {src} → {dst}</translation>
    </message>
    <message>
        <source>Disconnect {n} connections</source>
        <translation>断开 {n} 条连接</translation>
    </message>
    <message>
        <source>Rewire {src} → {dst}</source>
        <translation>改接 {src} → {dst}</translation>
    </message>
    <message>
        <source>Set {node}.{param}</source>
        <translation>设置 {node}.{param}</translation>
    </message>
    <message>
        <source>Move {what}</source>
        <translation>移动 {what}</translation>
    </message>
    <message>
        <source>Paste {what}</source>
        <translation>粘贴 {what}</translation>
    </message>
    <message>
        <source>Duplicate {what}</source>
        <translation>复制出 {what}</translation>
    </message>
    <message>
        <source>Auto layout</source>
        <translation>自动布局</translation>
    </message>
    <message>
        <source>Set outputs</source>
        <translation>设置输出</translation>
    </message>
    <message>
        <source>dim {dim} is out of range for a {rank}-D sample (batch + {dims} dims)</source>
        <translation>维度 {dim} 超出了 {rank} 维样本的范围（批次 + {dims} 个维度）</translation>
    </message>
    <message>
        <source>dim {dim} is the batch dimension</source>
        <translation>维度 {dim} 是批次维度</translation>
    </message>
    <message>
        <source>sequence length {length} exceeds max_len {max_len}</source>
        <translation>序列长度 {length} 超过了 max_len {max_len}</translation>
    </message>
    <message>
        <source>embed_dim {embed} is not divisible by num_heads {heads}</source>
        <translation>embed_dim {embed} 不能被 num_heads {heads} 整除</translation>
    </message>
    <message>
        <source>d_model {d} is not divisible by nhead {n}</source>
        <translation>d_model {d} 不能被 nhead {n} 整除</translation>
    </message>
    <message>
        <source>output_padding must be smaller than stride or dilation</source>
        <translation>output_padding 必须小于 stride 或 dilation</translation>
    </message>
    <message>
        <source>the output would be {size}; reduce padding</source>
        <translation>输出将是 {size}；请减小 padding</translation>
    </message>
    <message>
        <source>mode 'bilinear' needs an image-like [channels, height, width] input</source>
        <translation>mode 'bilinear' 需要图像形式的 [channels, height, width] 输入</translation>
    </message>
    <message>
        <source>mode 'linear' needs a [channels, length] input</source>
        <translation>mode 'linear' 需要 [channels, length] 形式的输入</translation>
    </message>
    <message>
        <source>scale_factor {factor} shrinks {size} to nothing</source>
        <translation>scale_factor {factor} 会把 {size} 缩得一点不剩</translation>
    </message>
    <message>
        <source>groups ({groups}) must divide the {a} input and {b} output channels</source>
        <translation>groups（{groups}）必须能整除 {a} 个输入通道和 {b} 个输出通道</translation>
    </message>
    <message>
        <source>a {kernel} kernel does not fit a {size} input (output would be {out})</source>
        <translation>{kernel} 的卷积核放不进 {size} 的输入（输出将是 {out}）</translation>
    </message>
    <message>
        <source>padding must be at most half of kernel_size</source>
        <translation>padding 最多是 kernel_size 的一半</translation>
    </message>
    <message>
        <source>a {window} window does not fit a {size} input</source>
        <translation>{window} 的窗口放不进 {size} 的输入</translation>
    </message>
    <message>
        <source>padding 'same' needs stride 1</source>
        <translation>padding 'same' 需要 stride 为 1</translation>
    </message>
    <message>
        <source>Linear needs at least one feature dimension</source>
        <translation>Linear 至少需要一个特征维度</translation>
    </message>
    <message>
        <source>start_dim {a} comes after end_dim {b}</source>
        <translation>start_dim {a} 在 end_dim {b} 之后</translation>
    </message>
    <message>
        <source>{sizes} holds {n} values but dim {dim} has {m}</source>
        <translation>{sizes} 含 {n} 个值，但维度 {dim} 有 {m} 个</translation>
    </message>
    <message>
        <source>cannot fit {n} values into {shape}</source>
        <translation>无法把 {n} 个值装进 {shape}</translation>
    </message>
    <message>
        <source>{shape} has {n} values but {target} needs {m}</source>
        <translation>{shape} 有 {n} 个值，但 {target} 需要 {m} 个</translation>
    </message>
    <message>
        <source>token ids have shape [T] (one id per position), not {shape}</source>
        <translation>词元 id 的形状是 [T]（每个位置一个 id），不是 {shape}</translation>
    </message>
    <message>
        <source>inputs {shapes} must match in every dimension except dim {dim}</source>
        <translation>输入 {shapes} 除了维度 {dim} 以外的每个维度都必须一致</translation>
    </message>
    <message>
        <source>inputs {shapes} differ; all inputs must have the same shape</source>
        <translation>输入 {shapes} 形状不同；所有输入的形状必须相同</translation>
    </message>
    <message>
        <source>TimeEmbedding needs one time step per sample, shape [1], but got {shape}; give the time step an Input of shape [1]</source>
        <translation>TimeEmbedding 需要每个样本一个时间步，形状为 [1]，但得到的是 {shape}；请给时间步一个形状为 [1] 的 Input</translation>
    </message>
    <message>
        <source>dim must be even (a sine and a cosine per frequency), got {dim}</source>
        <translation>dim 必须是偶数（每个频率一个正弦和一个余弦），现在是 {dim}</translation>
    </message>
    <message>
        <source>{layer} needs {what}, but got {shape} ({rank}-D per sample)</source>
        <translation>{layer} 需要{what}，但得到的是 {shape}（每个样本 {rank} 维）</translation>
    </message>
    <message>
        <source>{layer} needs {what}, but got {shape} ({rank}-D per sample): {hint}</source>
        <translation>{layer} 需要{what}，但得到的是 {shape}（每个样本 {rank} 维）：{hint}</translation>
    </message>
    <message>
        <source>token ids of shape [T] (an Input with dtype int64)</source>
        <translation>形状为 [T] 的词元 id（dtype 为 int64 的 Input）</translation>
    </message>
    <message>
        <source>a sequence [time, features]</source>
        <translation>序列 [time, features]</translation>
    </message>
    <message>
        <source>a sequence [time, embed_dim]</source>
        <translation>序列 [time, embed_dim]</translation>
    </message>
    <message>
        <source>a sequence [time, d_model]</source>
        <translation>序列 [time, d_model]</translation>
    </message>
    <message>
        <source>an image-like [channels, height, width] input</source>
        <translation>图像形式的 [channels, height, width] 输入</translation>
    </message>
    <message>
        <source>a [channels, length] input</source>
        <translation>[channels, length] 形式的输入</translation>
    </message>
    <message>
        <source>a [channels, length] or [channels, height, width] input</source>
        <translation>[channels, length] 或 [channels, height, width] 形式的输入</translation>
    </message>
    <message>
        <source>at least one feature dimension</source>
        <translation>至少一个特征维度</translation>
    </message>
    <message>
        <source>[features] or [channels, length]</source>
        <translation>[features] 或 [channels, length]</translation>
    </message>
    <message>
        <source>add an Unflatten or Reshape before it for flat data</source>
        <translation>扁平数据请在它前面加一个 Unflatten 或 Reshape</translation>
    </message>
    <message>
        <source>add a Reshape or Unflatten before it for flat data</source>
        <translation>扁平数据请在它前面加一个 Reshape 或 Unflatten</translation>
    </message>
    <message>
        <source>the network has no Input node</source>
        <translation>网络没有 Input 节点</translation>
    </message>
    <message>
        <source>the network has no output</source>
        <translation>网络没有输出</translation>
    </message>
    <message>
        <source>output {node} is not a node of the graph</source>
        <translation>输出 {node} 不是图中的节点</translation>
    </message>
    <message>
        <source>does not lead to any output; it will be ignored</source>
        <translation>没有通向任何输出；它会被忽略</translation>
    </message>
    <message>
        <source>is part of a cycle ({cycle})</source>
        <translation>处在一个环中（{cycle}）</translation>
    </message>
    <message>
        <source>{type} has no parameter {name}</source>
        <translation>{type} 没有参数 {name}</translation>
    </message>
    <message>
        <source>{type} needs at least {n} inputs, has {count}</source>
        <translation>{type} 至少需要 {n} 个输入，现在有 {count} 个</translation>
    </message>
    <message>
        <source>has no input connected</source>
        <translation>没有连接输入</translation>
    </message>
    <message>
        <source>input {port} is not connected</source>
        <translation>输入 {port} 没有连接</translation>
    </message>
    <message>
        <source>{type} needs float features but gets integer token ids; put an Embedding before it</source>
        <translation>{type} 需要浮点特征，却得到整数词元 id；请在它前面放一个 Embedding</translation>
    </message>
    <message>
        <source>{type} needs integer token ids (an Input with dtype int64), but gets float values</source>
        <translation>{type} 需要整数词元 id（dtype 为 int64 的 Input），却得到浮点数值</translation>
    </message>
    <message>
        <source>{role} is missing: mark its nodes with the role {name}</source>
        <translation>缺少{role}：请把它的节点标记为角色 {name}</translation>
    </message>
    <message>
        <source>connects {a} to {b}; each network must stand alone, so remove this edge (the training mode passes data between them)</source>
        <translation>把{a}连到了{b}；每个网络必须各自独立，请删除这条边（训练模式会在它们之间传递数据）</translation>
    </message>
    <message>
        <source>the main network</source>
        <translation>主网络</translation>
    </message>
    <message>
        <source>the generator</source>
        <translation>生成器</translation>
    </message>
    <message>
        <source>the discriminator</source>
        <translation>判别器</translation>
    </message>
    <message>
        <source>The loss became {what} during epoch {epoch} (step {step}); training stopped and {restored} were restored. Try a smaller learning rate (now {lr}) or gradient clipping.</source>
        <translation>损失在第 {epoch} 轮（第 {step} 步）变成了 {what}；训练已停止，并恢复了{restored}。试试更小的学习率（现在是 {lr}）或梯度裁剪。</translation>
    </message>
    <message>
        <source>infinite</source>
        <translation>无穷大</translation>
    </message>
    <message>
        <source>the weights from the end of epoch {epoch}</source>
        <translation>第 {epoch} 轮结束时的权重</translation>
    </message>
    <message>
        <source>the initial weights</source>
        <translation>初始权重</translation>
    </message>
    <message>
        <source>must be a whole number</source>
        <translation>必须是整数</translation>
    </message>
    <message>
        <source>must be a positive integer</source>
        <translation>必须是正整数</translation>
    </message>
    <message>
        <source>must be a whole number &gt;= {min}</source>
        <translation>必须是 &gt;= {min} 的整数</translation>
    </message>
    <message>
        <source>must be at most {max}</source>
        <translation>最大为 {max}</translation>
    </message>
    <message>
        <source>must be a number</source>
        <translation>必须是数字</translation>
    </message>
    <message>
        <source>must be a finite number</source>
        <translation>必须是有限的数字</translation>
    </message>
    <message>
        <source>must be a number {range}</source>
        <translation>必须是 {range} 的数字</translation>
    </message>
    <message>
        <source>between {low} and {high}</source>
        <translation>介于 {low} 和 {high} 之间</translation>
    </message>
    <message>
        <source>must be true or false</source>
        <translation>必须是 true 或 false</translation>
    </message>
    <message>
        <source>must be one of {choices}</source>
        <translation>必须是以下之一：{choices}</translation>
    </message>
    <message>
        <source>must be a whole number or a list of whole numbers</source>
        <translation>必须是整数或整数列表</translation>
    </message>
    <message>
        <source>must be a whole number or a list of numbers</source>
        <translation>必须是整数或数字列表</translation>
    </message>
    <message>
        <source>must be a whole number or a list of numbers or one of {words}</source>
        <translation>必须是整数、数字列表或以下之一：{words}</translation>
    </message>
    <message>
        <source>must be a whole number or a list of {n} whole numbers</source>
        <translation>必须是整数或 {n} 个整数的列表</translation>
    </message>
    <message>
        <source>must be {range}</source>
        <translation>必须 {range}</translation>
    </message>
    <message>
        <source>every number must be {range}</source>
        <translation>每个数都必须 {range}</translation>
    </message>
    <message>
        <source>must be a non-empty list of positive integers, e.g. [2] or [1, 8, 8]</source>
        <translation>必须是非空的正整数列表，例如 [2] 或 [1, 8, 8]</translation>
    </message>
    <message>
        <source>must be a list of positive integers</source>
        <translation>必须是正整数列表</translation>
    </message>
    <message>
        <source>must be a list of positive integers (one may be -1)</source>
        <translation>必须是正整数列表（可以有一个 -1）</translation>
    </message>
    <message>
        <source>may contain -1 at most once</source>
        <translation>最多只能含一个 -1</translation>
    </message>
    <message>
        <source>may have at most 6 dimensions</source>
        <translation>最多 6 个维度</translation>
    </message>
    <message>
        <source>must be a whole number (a dimension index; -1 is the last)</source>
        <translation>必须是整数（维度序号；-1 表示最后一个）</translation>
    </message>
    <message>
        <source>cannot be 0: dimension 0 is the batch</source>
        <translation>不能是 0：维度 0 是批次</translation>
    </message>
    <message>
        <source>must be a non-empty list of whole numbers</source>
        <translation>必须是非空的整数列表</translation>
    </message>
    <message>
        <source>every number must be a whole number {range}</source>
        <translation>每个数都必须是 {range} 的整数</translation>
    </message>
    <message>
        <source>must be text</source>
        <translation>必须是文本</translation>
    </message>
    <message>
        <source>must be a list of {n} numbers</source>
        <translation>必须是 {n} 个数字的列表</translation>
    </message>
    <message>
        <source>must be a list of names</source>
        <translation>必须是名称列表</translation>
    </message>
    <message>
        <source>unknown {name}; choose from {choices}</source>
        <translation>未知的 {name}；请从这些中选择：{choices}</translation>
    </message>
    <message>
        <source>lists a name twice</source>
        <translation>重复列出了一个名称</translation>
    </message>
    <message>
        <source>must be set</source>
        <translation>必须设置</translation>
    </message>
    <message>
        <source>the generator makes samples of shape {a} but the discriminator reads {b}; they must match</source>
        <translation>生成器产生形状为 {a} 的样本，但判别器读入的是 {b}；两者必须一致</translation>
    </message>
    <message>
        <source>the discriminator must output one score per sample [N, 1], not {shape}</source>
        <translation>判别器必须为每个样本输出一个分数 [N, 1]，而不是 {shape}</translation>
    </message>
    <message>
        <source>the {role} needs exactly one Input and one output</source>
        <translation>{role}必须正好有一个 Input 和一个输出</translation>
    </message>
    <message>
        <source>generator</source>
        <translation>生成器</translation>
    </message>
    <message>
        <source>discriminator</source>
        <translation>判别器</translation>
    </message>
    <message>
        <source>reaches the network as a bare number; a TimeEmbedding in between helps it tell the noise levels apart</source>
        <translation>以一个裸数字进入网络；在中间加一个 TimeEmbedding 能帮它分辨不同的噪声强度</translation>
    </message>
    <message>
        <source>both Inputs feed a TimeEmbedding; only the time step should (the noisy sample goes to the network)</source>
        <translation>两个 Input 都接到了 TimeEmbedding；只有时间步应该接（带噪样本要进网络）</translation>
    </message>
    <message>
        <source>cannot tell which Input is the time step: connect the time-step Input (shape [1]) to a TimeEmbedding</source>
        <translation>分不出哪个 Input 是时间步：请把时间步的 Input（形状 [1]）接到一个 TimeEmbedding</translation>
    </message>
    <message>
        <source>a diffusion model's noise predictor reads two Inputs, the noisy sample and its time step [1]; this network has {n}</source>
        <translation>扩散模型的噪声预测器读两个 Input：带噪样本和它的时间步 [1]；这个网络有 {n} 个</translation>
    </message>
    <message>
        <source>the time step is one number per sample: give this Input shape [1], not {shape}</source>
        <translation>时间步是每个样本一个数：请把这个 Input 的形状设为 [1]，而不是 {shape}</translation>
    </message>
    <message>
        <source>the noisy sample is made of float values: set this Input's dtype to float32</source>
        <translation>带噪样本由浮点数组成：请把这个 Input 的 dtype 设为 float32</translation>
    </message>
    <message>
        <source>the noise predictor needs exactly one output, the predicted noise; this network has {n}</source>
        <translation>噪声预测器必须正好有一个输出，即预测的噪声；这个网络有 {n} 个</translation>
    </message>
    <message>
        <source>predicts noise of shape {a}, but the noise it must find is shaped like the sample {b}</source>
        <translation>预测的噪声形状是 {a}，但它要找的噪声和样本一样是 {b}</translation>
    </message>
    <message>
        <source>the {what} never reaches the output; connect it to the network</source>
        <translation>{what}没有通到输出；请把它接进网络</translation>
    </message>
    <message>
        <source>noisy sample</source>
        <translation>带噪样本</translation>
    </message>
    <message>
        <source>predicts noise of shape {a}, but the noise it must find is shaped like the sample {b}; set out_features to {n}</source>
        <translation>预测的噪声形状是 {a}，但它要找的噪声和样本一样是 {b}；请把 out_features 设为 {n}</translation>
    </message>
    <message>
        <source>Lesson &amp;Panel</source>
        <translation>课程面板(&amp;P)</translation>
    </message>
    <message>
        <source>Lesson Panel</source>
        <translation>课程面板</translation>
    </message>
    <message>
        <source>Show or hide the lesson's steps</source>
        <translation>显示或隐藏课程的步骤</translation>
    </message>
    <message>
        <source>GPT view</source>
        <translation>GPT 视图</translation>
    </message>
    <message>
        <source>Tiny GPT</source>
        <translation>小小的 GPT</translation>
    </message>
    <message>
        <source>The model writes one character at a time: it scores every character it knows for the next position, draws one, appends it and reads again. Below, each attention head's weights for the prompt: row = the character reading, column = the character it reads from.</source>
        <translation>模型一次写一个字符：它为下一个位置给自己认识的每个字符打分，抽出一个，接在后面，再重新读一遍。下方是每个注意力头对提示词的权重：行 = 正在读的字符，列 = 它从中读取的字符。</translation>
    </message>
    <message>
        <source>Type the start of a text</source>
        <translation>输入一段文字的开头</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Press Train: text appears here as the network learns.</source>
        <translation>按下“训练”：网络学习时，文字会出现在这里。</translation>
    </message>
    <message>
        <source>0 (greedy)</source>
        <translation>0（贪心）</translation>
    </message>
    <message>
        <source>0 always takes the most likely character; higher values take more chances (and make more mistakes)</source>
        <translation>0 总是取最可能的字符；数值越高越敢冒险（也越容易出错）</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Draw only from the k most likely characters (all: from every character)</source>
        <translation>只从最可能的 k 个字符里抽取（全部：从所有字符里抽取）</translation>
    </message>
    <message>
        <source>How many characters to write</source>
        <translation>要写多少个字符</translation>
    </message>
    <message>
        <source>Write again as it trains</source>
        <translation>训练时重新生成</translation>
    </message>
    <message>
        <source>Each new state of the weights writes a new sample (with the same random draws)</source>
        <translation>权重每更新一次就重新写一段（用同样的随机抽取）</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>前 k 个</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>长度</translation>
    </message>
    <message>
        <source>ATTENTION FOR THE PROMPT</source>
        <translation>提示词的注意力</translation>
    </message>
    <message>
        <source>Which attention layer to show</source>
        <translation>显示哪一个注意力层</translation>
    </message>
    <message>
        <source>Let it look ahead (as a BERT-like encoder does)</source>
        <translation>允许往后看（像类 BERT 编码器那样）</translation>
    </message>
    <message>
        <source>Drop the causal mask for this picture only: the same heads, allowed to read later characters. A bidirectional encoder (BERT, the encoder classifier) works like this; a GPT cannot, because the later characters are not written yet.</source>
        <translation>只在这张图里去掉因果掩码：同样的注意力头，但允许读取后面的字符。双向编码器（BERT、编码器分类器）就是这样工作的；GPT 做不到，因为后面的字符还没有写出来。</translation>
    </message>
    <message>
        <source>{count} characters in {seconds} s</source>
        <translation>{count} 个字符，用时 {seconds} 秒</translation>
    </message>
    <message>
        <source>greedy</source>
        <translation>贪心</translation>
    </message>
    <message>
        <source>temperature {value}</source>
        <translation>温度 {value}</translation>
    </message>
    <message>
        <source>top-k {k}</source>
        <translation>只取前 {k} 个字符</translation>
    </message>
    <message>
        <source>This network has no attention layer.</source>
        <translation>这个网络没有注意力层。</translation>
    </message>
    <message>
        <source>head {number}</source>
        <translation>头 {number}</translation>
    </message>
    <message>
        <source>Look-ahead: the squares fill in, as in a bidirectional (BERT-like) encoder; not what the model computes while it writes.</source>
        <translation>往后看：方块被填满了，就像双向（类 BERT）编码器一样；这不是模型写字时算的东西。</translation>
    </message>
    <message>
        <source>{node}: causal. Above the diagonal stays empty: each character reads only itself and earlier ones. Bright = much attention.</source>
        <translation>{node}：因果。对角线以上保持空白：每个字符只读它自己和之前的字符。越亮 = 注意力越多。</translation>
    </message>
    <message>
        <source>{node}: bidirectional. Every character reads every other, later ones included (as in BERT). Bright = much attention.</source>
        <translation>{node}：双向。每个字符都读其他所有字符，包括后面的（和 BERT 一样）。越亮 = 注意力越多。</translation>
    </message>
    <message>
        <source>Import a plain-text file</source>
        <translation>导入纯文本文件</translation>
    </message>
    <message>
        <source>language_model</source>
        <translation>语言模型</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <source>characters a language model reads at once (its context length)</source>
        <translation>语言模型一次读入的字符数（上下文长度）</translation>
    </message>
    <message>
        <source>plain-text file import settings</source>
        <translation>纯文本文件导入设置</translation>
    </message>
    <message>
        <source>a plain-text file, UTF-8 (relative paths are relative to the project file)</source>
        <translation>一个 UTF-8 纯文本文件（相对路径相对于项目文件）</translation>
    </message>
    <message>
        <source>windows of {length} characters</source>
        <translation>每个窗口 {length} 个字符</translation>
    </message>
    <message>
        <source>{count} characters: {characters}</source>
        <translation>{count} 个字符：{characters}</translation>
    </message>
    <message>
        <source>Diffusion on two moons</source>
        <translation>两个月牙上的扩散</translation>
    </message>
    <message>
        <source>A network learns to find the noise hidden in noised points of the two moons; run backwards from pure noise, its guesses walk new points onto the moons, step by step.</source>
        <translation>网络学习找出藏在加噪的双月牙点里的噪声；从纯噪声倒着运行，它的猜测一步一步把新的点带到月牙上。</translation>
    </message>
    <message>
        <source>A character-level GPT: token embedding, positional encoding, two Transformer blocks with a causal mask and a language-model head, trained to predict the next character of sentences from a small grammar, then asked to write more.</source>
        <translation>字符级 GPT：词元嵌入、位置编码、两个带因果掩码的 Transformer 块和一个语言模型输出头，训练它预测小语法句子的下一个字符，然后让它接着往下写。</translation>
    </message>
    <message>
        <source>Tiny BERT: masked characters</source>
        <translation>小小的 BERT：遮住的字符</translation>
    </message>
    <message>
        <source>The tiny GPT's blocks without the causal mask, trained as BERT is: some characters of each sentence are hidden, and the network, reading both sides, learns to fill them in. Its Embedding has one row more than the 25 characters: the mask.</source>
        <translation>和小小的 GPT 一样的块，只是去掉了因果掩码，按 BERT 的方式训练：每个句子里有些字符被遮住，网络从两边读，学着把它们填回来。它的 Embedding 比 25 个字符多一行：那就是掩码。</translation>
    </message>
    <message>
        <source>diffusion</source>
        <translation>扩散</translation>
    </message>
    <message>
        <source>FourierFeatures needs at least one feature dimension</source>
        <translation>FourierFeatures 至少需要一个特征维度</translation>
    </message>
    <message>
        <source>must be a list of [x, y] points</source>
        <translation>必须是 [x, y] 点的列表</translation>
    </message>
    <message>
        <source>holds {n} points; at most {max} are kept</source>
        <translation>有 {n} 个点；最多保留 {max} 个</translation>
    </message>
    <message>
        <source>point {index} must be a pair of numbers [x, y], got {value}</source>
        <translation>第 {index} 个点必须是一对数 [x, y]，现在是 {value}</translation>
    </message>
    <message>
        <source>point {index} {value}: both numbers must be {range}</source>
        <translation>第 {index} 个点 {value}：两个数都必须 {range}</translation>
    </message>
    <message>
        <source>masked_language_model</source>
        <translation>掩码语言模型</translation>
    </message>
    <message>
        <source>Tiny BERT</source>
        <translation>小小的 BERT</translation>
    </message>
    <message>
        <source>Some characters are hidden and the model, reading both sides at once, says what they were, as BERT does. Below, each attention head's weights for the text: row = the character reading, column = the character it reads from.</source>
        <translation>一些字符被遮住了，模型同时读两边，说出它们原来是什么，就像 BERT 那样。下方是每个注意力头对这段文字的权重：行 = 正在读的字符，列 = 它从中读取的字符。</translation>
    </message>
    <message>
        <source>Fill in</source>
        <translation>填空</translation>
    </message>
    <message>
        <source>Type a text; {mark} hides a character</source>
        <translation>输入一段文字；{mark} 表示遮住一个字符</translation>
    </message>
    <message>
        <source>character {number}</source>
        <translation>第 {number} 个字符</translation>
    </message>
    <message>
        <source>{count} hidden characters filled in, reading both sides</source>
        <translation>读着两边填出了 {count} 个被遮住的字符</translation>
    </message>
    <message>
        <source>{count} hidden character filled in, reading both sides</source>
        <translation>读着两边填出了 {count} 个被遮住的字符</translation>
    </message>
    <message>
        <source>the file is {size} MB; project files are at most {limit} MB</source>
        <translation>文件大小为 {size} MB；项目文件最大 {limit} MB</translation>
    </message>
    <message>
        <source>is a folder, not a project file</source>
        <translation>是一个文件夹，不是项目文件</translation>
    </message>
    <message>
        <source>cannot be read: {reason}</source>
        <translation>无法读取：{reason}</translation>
    </message>
    <message>
        <source>is not UTF-8 text (byte {start}); is it a NeuroLoom project?</source>
        <translation>不是 UTF-8 文本（第 {start} 字节）；这是 NeuroLoom 项目吗？</translation>
    </message>
    <message>
        <source>is not valid JSON: {message} at line {line}, column {column}</source>
        <translation>不是有效的 JSON：第 {line} 行第 {column} 列 {message}</translation>
    </message>
    <message>
        <source>is not valid JSON: {error}</source>
        <translation>不是有效的 JSON：{error}</translation>
    </message>
    <message>
        <source>{name} is not allowed in a project file</source>
        <translation>项目文件中不允许出现 {name}</translation>
    </message>
    <message>
        <source>unknown section (known: {known})</source>
        <translation>未知的部分（已知：{known}）</translation>
    </message>
    <message>
        <source>is not a NeuroLoom project (the top level is not a JSON object)</source>
        <translation>不是 NeuroLoom 项目（顶层不是 JSON 对象）</translation>
    </message>
    <message>
        <source>is not a NeuroLoom project ({what})</source>
        <translation>不是 NeuroLoom 项目（{what}）</translation>
    </message>
    <message>
        <source>its format is {format}</source>
        <translation>其格式为 {format}</translation>
    </message>
    <message>
        <source>it has no "format": "neuroloom-project" entry</source>
        <translation>缺少 "format": "neuroloom-project" 项</translation>
    </message>
    <message>
        <source>version: must be a whole number</source>
        <translation>“version”：必须是整数</translation>
    </message>
    <message>
        <source>version: the file was saved by a newer NeuroLoom (format version {version}); this version reads up to {supported}. Please update NeuroLoom.</source>
        <translation>“version”：此文件由更新版本的 NeuroLoom 保存（格式版本 {version}）；当前版本最高只能读取 {supported}。请更新 NeuroLoom。</translation>
    </message>
    <message>
        <source>graph: must be an object with nodes, edges and outputs</source>
        <translation>“graph”：必须是包含 “nodes”、“edges” 和 “outputs” 的对象</translation>
    </message>
    <message>
        <source>unknown key (known: nodes, edges, outputs)</source>
        <translation>未知的键（已知：“nodes”、“edges”、“outputs”）</translation>
    </message>
    <message>
        <source>graph.nodes: must be a list</source>
        <translation>graph.nodes：必须是列表</translation>
    </message>
    <message>
        <source>graph.nodes: {count} nodes; at most {limit} are supported</source>
        <translation>graph.nodes：{count} 个节点；最多支持 {limit} 个</translation>
    </message>
    <message>
        <source>graph.outputs: must be a list of node ids</source>
        <translation>graph.outputs：必须是节点 id 的列表</translation>
    </message>
    <message>
        <source>{node_id} is not a node id</source>
        <translation>{node_id} 不是节点 id</translation>
    </message>
    <message>
        <source>must be an object with id, type and params</source>
        <translation>必须是包含 “id”、“type” 和 “params” 的对象</translation>
    </message>
    <message>
        <source>unknown key (known: id, type, params, pos, role)</source>
        <translation>未知的键（已知：“id”、“type”、“params”、“pos”、“role”）</translation>
    </message>
    <message>
        <source>{node_id} is used by another node</source>
        <translation>{node_id} 已被另一个节点使用</translation>
    </message>
    <message>
        <source>unknown layer type {type_name}</source>
        <translation>未知的层类型 {type_name}</translation>
    </message>
    <message>
        <source>must be [x, y] with two numbers</source>
        <translation>必须是由两个数组成的 [x, y]</translation>
    </message>
    <message>
        <source>must be an object</source>
        <translation>必须是对象</translation>
    </message>
    <message>
        <source>{type} has no such parameter (parameters: {known})</source>
        <translation>{type} 没有这个参数（参数：{known}）</translation>
    </message>
    <message>
        <source>graph.edges: must be a list</source>
        <translation>graph.edges：必须是列表</translation>
    </message>
    <message>
        <source>must be an object with src and dst</source>
        <translation>必须是包含 “src” 和 “dst” 的对象</translation>
    </message>
    <message>
        <source>unknown key (known: src, dst, src_port, dst_port)</source>
        <translation>未知的键（已知：“src”、“dst”、“src_port”、“dst_port”）</translation>
    </message>
    <message>
        <source>unknown setting (known: {known})</source>
        <translation>未知的设置（已知：{known}）</translation>
    </message>
    <message>
        <source>fractions must add up to 1 with a training share above 0</source>
        <translation>各份额之和必须为 1，且训练份额大于 0</translation>
    </message>
    <message>
        <source>data: must be an object of settings, got {got}</source>
        <translation>“data”：必须是设置对象，实际为 {got}</translation>
    </message>
    <message>
        <source>unknown setting; known settings: {known}</source>
        <translation>未知的设置；已知设置：{known}</translation>
    </message>
    <message>
        <source>data.dataset: unknown data set {name}; known: {known}</source>
        <translation>data.dataset：未知的数据集 {name}；已知：{known}</translation>
    </message>
    <message>
        <source>needs settings such as {'path': ...}, got {section}</source>
        <translation>需要一组设置（如 “path”），实际为 {section}</translation>
    </message>
    <message>
        <source>must name a file or folder, got {value}</source>
        <translation>必须指定一个文件或文件夹，实际为 {value}</translation>
    </message>
    <message>
        <source>data.csv.target: name the column to predict</source>
        <translation>data.csv.target：请指定要预测的列</translation>
    </message>
    <message>
        <source>{name}, row {row}, column "{column}": {problem}</source>
        <translation>{name}，第 {row} 行，“{column}”列：{problem}</translation>
    </message>
    <message>
        <source>task must be "auto", "classification" or "regression", got {task}</source>
        <translation>“task” 必须是 “auto”、“classification” 或 “regression”，实际为 {task}</translation>
    </message>
    <message>
        <source>CSV file not found: {path}</source>
        <translation>找不到 CSV 文件：{path}</translation>
    </message>
    <message>
        <source>{path} is a folder, not a CSV file</source>
        <translation>{path} 是一个文件夹，不是 CSV 文件</translation>
    </message>
    <message>
        <source>{name} is {size} MB; CSV imports are limited to {limit} MB (the data is held in memory while training)</source>
        <translation>{name} 大小为 {size} MB；CSV 导入最大 {limit} MB（训练时数据保存在内存中）</translation>
    </message>
    <message>
        <source>cannot read {path}: {reason}</source>
        <translation>无法读取 {path}：{reason}</translation>
    </message>
    <message>
        <source>{name} is not UTF-8 text (byte {byte} at offset {offset}); save it as "CSV UTF-8" and import it again</source>
        <translation>{name} 不是 UTF-8 文本（偏移 {offset} 处的字节 {byte}）；请另存为 "CSV UTF-8" 后重新导入</translation>
    </message>
    <message>
        <source>{name}, row {row}: holds NUL characters, so it is not plain text: UTF-16 or UTF-32 without a byte-order mark, or not a CSV file at all; save it as "CSV UTF-8" and import it again</source>
        <translation>{name}，第 {row} 行：含有 NUL 字符，因此不是纯文本：可能是没有字节顺序标记的 UTF-16 或 UTF-32，或者根本不是 CSV 文件；请另存为 "CSV UTF-8" 后重新导入</translation>
    </message>
    <message>
        <source>{name} is empty</source>
        <translation>{name} 是空的</translation>
    </message>
    <message>
        <source>{name}, row {row}: the header has {count} columns; at most {limit} are supported</source>
        <translation>{name}，第 {row} 行：表头有 {count} 列；最多支持 {limit} 列</translation>
    </message>
    <message>
        <source>{name} has a header but no data rows</source>
        <translation>{name} 只有表头，没有数据行</translation>
    </message>
    <message>
        <source>{name}, row {row}: cannot be read as CSV ({error})</source>
        <translation>{name}，第 {row} 行：无法按 CSV 读取（{error}）</translation>
    </message>
    <message>
        <source>{name}, row {row}: the first row holds numbers, not column names; add a header row that names each column</source>
        <translation>{name}，第 {row} 行：第一行是数字而不是列名；请加一行表头，为每一列命名</translation>
    </message>
    <message>
        <source>{name}, row {row}: column {index} has no name in the header</source>
        <translation>{name}，第 {row} 行：第 {index} 列在表头中没有名称</translation>
    </message>
    <message>
        <source>{name}, row {row}: the header names columns twice: {columns}</source>
        <translation>{name}，第 {row} 行：表头中有重复的列名：{columns}</translation>
    </message>
    <message>
        <source>{name}, row {row}: has {cells} cells but the header has {columns} columns</source>
        <translation>{name}，第 {row} 行：有 {cells} 个单元格，但表头有 {columns} 列</translation>
    </message>
    <message>
        <source>{name} has no column "{column}"; available columns: {available}</source>
        <translation>{name} 中没有“{column}”列；可用的列：{available}</translation>
    </message>
    <message>
        <source>column "{column}" is the target, so it cannot also be a feature</source>
        <translation>“{column}”列是目标，不能同时作为特征</translation>
    </message>
    <message>
        <source>choose at least one feature column besides the target</source>
        <translation>除目标外至少选择一个特征列</translation>
    </message>
    <message>
        <source>feature columns are repeated: {columns}</source>
        <translation>特征列重复：{columns}</translation>
    </message>
    <message>
        <source>the cell is empty</source>
        <translation>单元格是空的</translation>
    </message>
    <message>
        <source>"{cell}" is not a finite number</source>
        <translation>“{cell}”不是有限数</translation>
    </message>
    <message>
        <source>"{cell}" is not a number</source>
        <translation>“{cell}”不是数字</translation>
    </message>
    <message>
        <source>the target cell is empty</source>
        <translation>目标单元格是空的</translation>
    </message>
    <message>
        <source>column "{column}" has only one value ({value}); a class target needs two or more</source>
        <translation>“{column}”列只有一个值（{value}）；分类目标需要两个或更多值</translation>
    </message>
    <message>
        <source>column "{column}" has {count} distinct values, too many classes; did you mean task "regression"?</source>
        <translation>“{column}”列有 {count} 个不同的值，类别太多；是不是想用回归（“task” 设为 “regression”）？</translation>
    </message>
    <message>
        <source>digits: layout must be "flat" or "image", got {layout}</source>
        <translation>digits：“layout” 必须是 “flat” 或 “image”，实际为 {layout}</translation>
    </message>
    <message>
        <source>image mode must be "L" (greyscale) or "RGB", got {mode}</source>
        <translation>图像模式必须是 "L"（灰度）或 "RGB"，实际为 {mode}</translation>
    </message>
    <message>
        <source>image size must be [height, width] with sides from 1 to {limit}, got {size}</source>
        <translation>图像尺寸必须是 [height, width]，边长在 1 到 {limit} 之间，实际为 {size}</translation>
    </message>
    <message>
        <source>image folder not found: {path}</source>
        <translation>找不到图像文件夹：{path}</translation>
    </message>
    <message>
        <source>{path} is a file; choose the folder that holds one sub-folder per class</source>
        <translation>{path} 是一个文件；请选择每个类别各有一个子文件夹的那个文件夹</translation>
    </message>
    <message>
        <source>{path} needs one sub-folder per class and at least two classes (found {found}); put each class's images in a folder named after the class</source>
        <translation>{path} 需要每个类别一个子文件夹，且至少两个类别（找到 {found} 个）；请把每个类别的图像放进以该类别命名的文件夹</translation>
    </message>
    <message>
        <source>class folder "{name}" has no images (looked for {extensions})</source>
        <translation>类别文件夹“{name}”中没有图像（查找的是 {extensions}）</translation>
    </message>
    <message>
        <source>{name}: refused, the image claims more than {limit} pixels</source>
        <translation>{name}：已拒绝，该图像声称超过 {limit} 像素</translation>
    </message>
    <message>
        <source>{name}: cannot be read as an image ({error})</source>
        <translation>{name}：无法作为图像读取（{error}）</translation>
    </message>
    <message>
        <source>{name}: refused, {width}x{height} pixels is more than the limit of {limit} (a possible decompression bomb)</source>
        <translation>{name}：已拒绝，{width}x{height} 像素超过了 {limit} 的上限（可能是解压炸弹）</translation>
    </message>
    <message>
        <source>split must have three ratios [train, val, test], got {ratios}</source>
        <translation>数据划分必须有三个比例 [train, val, test]，实际为 {ratios}</translation>
    </message>
    <message>
        <source>split ratios must be numbers, got {ratios}</source>
        <translation>数据划分的比例必须是数字，实际为 {ratios}</translation>
    </message>
    <message>
        <source>split ratios must be finite numbers, got {ratios}</source>
        <translation>数据划分的比例必须是有限数，实际为 {ratios}</translation>
    </message>
    <message>
        <source>the training share of the split must be above 0, got {train}</source>
        <translation>数据划分中的训练份额必须大于 0，实际为 {train}</translation>
    </message>
    <message>
        <source>split ratios cannot be negative, got {ratios}</source>
        <translation>数据划分的比例不能为负，实际为 {ratios}</translation>
    </message>
    <message>
        <source>split ratios must add up to 1, got {ratios} (sum {total})</source>
        <translation>数据划分的比例之和必须为 1，实际为 {ratios}（和为 {total}）</translation>
    </message>
    <message>
        <source>choose at least one input feature from {features}</source>
        <translation>请从 {features} 中至少选择一个输入特征</translation>
    </message>
    <message>
        <source>unknown input feature {name}; known: {known}</source>
        <translation>未知的输入特征 {name}；已知：{known}</translation>
    </message>
    <message>
        <source>input features are repeated: {names}</source>
        <translation>输入特征重复：{names}</translation>
    </message>
    <message>
        <source>unknown 2-D data set {name}; known: {known}</source>
        <translation>未知的二维数据集 {name}；已知：{known}</translation>
    </message>
    <message>
        <source>data.points: draw a shape first: it needs at least {minimum} points, the drawing has {count}</source>
        <translation>data.points：请先画一个形状：至少需要 {minimum} 个点，当前画了 {count} 个</translation>
    </message>
    <message>
        <source>unknown sequence task {name}; known: {known}</source>
        <translation>未知的序列任务 {name}；已知：{known}</translation>
    </message>
    <message>
        <source>{name}: seq_len must be at least {minimum}, got {value}</source>
        <translation>{name}：seq_len 至少为 {minimum}，实际为 {value}</translation>
    </message>
    <message>
        <source>a tokenizer needs at least one character</source>
        <translation>分词器至少需要一个字符</translation>
    </message>
    <message>
        <source>the alphabet repeats characters: {alphabet}</source>
        <translation>字母表中有重复字符：{alphabet}</translation>
    </message>
    <message>
        <source>{what}: character {char} (position {position}) is not in the vocabulary ({vocabulary})</source>
        <translation>{what}：字符 {char}（第 {position} 个）不在词表中（{vocabulary}）</translation>
    </message>
    <message>
        <source>the text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>the prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>not a character tokenizer: {data}</source>
        <translation>不是字符分词器：{data}</translation>
    </message>
    <message>
        <source>text file not found: {path}</source>
        <translation>找不到文本文件：{path}</translation>
    </message>
    <message>
        <source>{path} is a folder, not a text file</source>
        <translation>{path} 是一个文件夹，不是文本文件</translation>
    </message>
    <message>
        <source>{name} is {size} MB; text files are limited to {limit} MB (a character model learns from far less: use a part of it)</source>
        <translation>{name} 大小为 {size} MB；文本文件最大 {limit} MB（字符模型用少得多的文本就能学习：请取其中一部分）</translation>
    </message>
    <message>
        <source>{name} is empty: it holds no text to learn from</source>
        <translation>{name} 是空的：没有可供学习的文本</translation>
    </message>
    <message>
        <source>{name} is not plain text: it holds a zero byte at offset {offset} ({where}), as binary files (images, documents, archives) do; save it as plain text (.txt, UTF-8)</source>
        <translation>{name} 不是纯文本：偏移 {offset} 处（{where}）有一个零字节，这是二进制文件（图像、文档、压缩包）才有的；请另存为纯文本（“.txt”，UTF-8）</translation>
    </message>
    <message>
        <source>{name} is not UTF-8 text: byte {byte} at offset {offset} ({where}) cannot be decoded; save it as UTF-8 plain text</source>
        <translation>{name} 不是 UTF-8 文本：偏移 {offset} 处（{where}）的字节 {byte} 无法解码；请另存为 UTF-8 纯文本</translation>
    </message>
    <message>
        <source>{name}, line {line}, column {column}: holds the control character U+{code}, which plain text does not have; is it a binary file?</source>
        <translation>{name}，第 {line} 行第 {column} 列：含有纯文本不会有的控制字符 U+{code}；这是二进制文件吗？</translation>
    </message>
    <message>
        <source>line {line}, column {column}</source>
        <translation>第 {line} 行第 {column} 列</translation>
    </message>
    <message>
        <source>unknown corpus {name}; known: {known}</source>
        <translation>未知的语料 {name}；已知：{known}</translation>
    </message>
    <message>
        <source>{name} uses {count} different characters; a character model here handles at most {limit} (one output per character): use a text with fewer distinct characters</source>
        <translation>{name} 用到了 {count} 个不同的字符；这里的字符模型最多处理 {limit} 个（每个字符一个输出）：请使用不同字符更少的文本</translation>
    </message>
    <message>
        <source>{name} uses a single character ({char}): nothing to predict</source>
        <translation>{name} 只用到一个字符（{char}）：没有可预测的内容</translation>
    </message>
    <message>
        <source>{name}: its {part} share ({ratio}) holds {count} characters, but one window needs context + 1 = {needed}; use a longer text, a shorter context or a larger share</source>
        <translation>{name}：其中 {part} 部分（{ratio}）有 {count} 个字符，但一个窗口需要 上下文长度 + 1 = {needed} 个；请使用更长的文本、更短的上下文或更大的份额</translation>
    </message>
    <message>
        <source>training.noise_schedule: unknown value {kind}; choose one of linear, cosine</source>
        <translation>training.noise_schedule：未知的值 {kind}；可选 “linear”、“cosine”</translation>
    </message>
    <message>
        <source>training.diffusion_steps: must be a whole number &gt;= 2, got {steps}</source>
        <translation>training.diffusion_steps：必须是 &gt;= 2 的整数，实际为 {steps}</translation>
    </message>
    <message>
        <source>diffusion needs float data to imitate, but this data set's inputs are integer token ids</source>
        <translation>扩散模型需要模仿浮点数据，但这个数据集的输入是整数词元 id</translation>
    </message>
    <message>
        <source>the noisy-sample Input has shape {shape} but the data set '{name}' has samples of shape {sample}; change the Input's shape</source>
        <translation>带噪样本的 Input 形状为 {shape}，但数据集“{name}”的样本形状为 {sample}；请修改 Input 的形状</translation>
    </message>
    <message>
        <source>training.loss: a diffusion model learns to predict the added noise, a regression: choose MSELoss (as DDPM does), L1Loss or SmoothL1Loss, not {loss}</source>
        <translation>training.loss：扩散模型学习预测加入的噪声，这是回归任务：请选择 MSELoss（DDPM 的做法）、L1Loss 或 SmoothL1Loss，而不是 {loss}</translation>
    </message>
    <message>
        <source>the diffusion mode trains a noise predictor with two Inputs, the noisy sample and its time step: build it with DiffusionMode.build_model</source>
        <translation>扩散模式训练的是有两个 Input（带噪样本和它的时间步）的噪声预测器：请用 DiffusionMode.build_model 构建</translation>
    </message>
    <message>
        <source>the network predicts noise of shape {made}, not {wanted}</source>
        <translation>网络预测的噪声形状为 {made}，而不是 {wanted}</translation>
    </message>
    <message>
        <source>the noise predictor has nothing to learn: add a layer with weights, such as Linear</source>
        <translation>噪声预测器没有可学习的参数：请添加带权重的层，例如 Linear</translation>
    </message>
    <message>
        <source>language-model training needs text: choose Arithmetic text, Grammar text or a Text file as the data set ('{name}' is not text)</source>
        <translation>语言模型训练需要文本：请选择算术文本、语法文本或文本文件作为数据集（“{name}”不是文本）</translation>
    </message>
    <message>
        <source>a language model learns with CrossEntropyLoss (one score per character); {loss} does not fit</source>
        <translation>语言模型用 CrossEntropyLoss 学习（每个字符一个分数）；{loss} 不适用</translation>
    </message>
    <message>
        <source>a language model scores every character at every position, {wanted} ({positions} positions x {vocab} characters), but the network outputs {shape}; end it with Linear({n}) on the sequence, without Flatten</source>
        <translation>语言模型在每个位置为每个字符打分，即 {wanted}（{positions} 个位置 x {vocab} 个字符），但网络输出的是 {shape}；请在序列上以 Linear({n}) 结尾，不要用 Flatten</translation>
    </message>
    <message>
        <source>the network outputs {count} positions but the data's windows hold {positions} characters (the context setting); it must output {wanted}</source>
        <translation>网络输出 {count} 个位置，但数据的窗口有 {positions} 个字符（上下文长度设置）；它必须输出 {wanted}</translation>
    </message>
    <message>
        <source>the last layer gives {count} scores per position but the vocabulary has {vocab} characters ({alphabet}); set the language-model head's out_features to {n}</source>
        <translation>最后一层每个位置给出 {count} 个分数，但词表有 {vocab} 个字符（{alphabet}）；请把语言模型输出层的 out_features 设为 {n}</translation>
    </message>
    <message>
        <source>the mask that hides characters is id {id}, one past the {count} characters: the Embedding needs num_embeddings of at least {needed}</source>
        <translation>遮住字符的掩码 id 为 {id}，即 {count} 个字符之后的下一个：Embedding 的 num_embeddings 至少需要 {needed}</translation>
    </message>
    <message>
        <source>type a prompt: the model continues the text it is given</source>
        <translation>请输入提示词：模型会接着给出的文本往下写</translation>
    </message>
    <message>
        <source>the network outputs {shape} for a window of {count} characters; a language model must give scores for every position [T, V]</source>
        <translation>对 {count} 个字符的窗口，网络输出 {shape}；语言模型必须为每个位置给出分数 [T, V]</translation>
    </message>
    <message>
        <source>temperature must be between 0 and 100, got {value}</source>
        <translation>温度必须在 0 到 100 之间，实际为 {value}</translation>
    </message>
    <message>
        <source>top_k must be 0 (all characters) or more, got {value}</source>
        <translation>top_k 必须大于等于 0（0 表示所有字符），实际为 {value}</translation>
    </message>
    <message>
        <source>max_new_tokens must be between 0 and {limit}, got {value}</source>
        <translation>max_new_tokens 必须在 0 到 {limit} 之间，实际为 {value}</translation>
    </message>
    <message>
        <source>context must be at least 1, got {value}</source>
        <translation>上下文长度至少为 1，实际为 {value}</translation>
    </message>
    <message>
        <source>type a text with {mark} where a character is hidden</source>
        <translation>请输入一段文字，用 {mark} 表示被遮住的字符</translation>
    </message>
    <message>
        <source>the text has {count} characters; the model reads at most {context}</source>
        <translation>这段文字有 {count} 个字符；模型最多读 {context} 个</translation>
    </message>
    <message>
        <source>hide a character or more behind {mark}: the model fills in what is hidden</source>
        <translation>用 {mark} 遮住一个或多个字符：模型会填出被遮住的内容</translation>
    </message>
</context>
<context>
    <name>ActivationLens</name>
    <message>
        <source>Point at an activation node to see where its inputs fall on the curve.</source>
        <translation>指向一个激活函数节点，看看它的输入落在曲线的什么位置。</translation>
    </message>
    <message>
        <source>{who}: {n} inputs; {flat:.0%} fall where the slope is below {limit}, so little gradient flows back</source>
        <translation>{who}：{n} 个输入；{flat:.0%} 落在斜率小于 {limit} 的地方，那里几乎没有梯度传回</translation>
    </message>
    <message>
        <source>Activation functions</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>An activation bends a neuron's weighted sum. The solid curve is the function, the dashed one its slope: backpropagation multiplies the gradient by that slope, so where it is near zero almost nothing flows back and learning stalls.</source>
        <translation>激活函数把神经元的加权和弯折。实线是函数，虚线是它的斜率：反向传播把梯度乘以这个斜率，所以斜率接近零的地方几乎没有梯度传回，学习就停滞了。</translation>
    </message>
    <message>
        <source>x = z₁ (the first score)</source>
        <translation>x = z₁（第一个分数）</translation>
    </message>
    <message>
        <source>x (the weighted sum)</source>
        <translation>x（加权和）</translation>
    </message>
    <message>
        <source>Its true slope is 0 everywhere (undefined at 0), so no gradient would flow; NeuroLoom trains through it with the straight-through slope of 1.</source>
        <translation>它真正的斜率处处为 0（在 0 处无定义），所以梯度无法流过；NeuroLoom 用直通斜率 1 穿过它来训练。</translation>
    </message>
    <message>
        <source>this node</source>
        <translation>这个节点</translation>
    </message>
    <message>
        <source>softmax(z)₁</source>
        <translation>softmax(z)₁</translation>
    </message>
    <message>
        <source>softmax(z)₂</source>
        <translation>softmax(z)₂</translation>
    </message>
    <message>
        <source>softmax(z)₃</source>
        <translation>softmax(z)₃</translation>
    </message>
    <message>
        <source>slope ∂p₁/∂x</source>
        <translation>斜率 ∂p₁/∂x</translation>
    </message>
    <message>
        <source>slope f′(x)</source>
        <translation>斜率 f′(x)</translation>
    </message>
    <message>
        <source> ({share:.0%} lie beyond the plotted range)</source>
        <translation>（{share:.0%} 超出了绘图范围）</translation>
    </message>
</context>
<context>
    <name>DatasetDescription</name>
    <message>
        <source>drawn</source>
        <comment>A shape you draw with the mouse: points for a generative model to imitate.</comment>
        <translation>用鼠标画出的形状：让生成模型去模仿的点。</translation>
    </message>
    <message>
        <source>rings</source>
        <comment>Two concentric circles, one class each.</comment>
        <translation>两个同心圆，每个一类。</translation>
    </message>
    <message>
        <source>text_file</source>
        <comment>Your own plain text, for a language model to continue.</comment>
        <translation>你自己的纯文本，让语言模型接着写下去。</translation>
    </message>
    <message>
        <source>grammar</source>
        <comment>Sentences of a small grammar (the small cat sees a dog.): text for a tiny GPT.</comment>
        <translation>一套小语法造出的英文句子（如 “the small cat sees a dog.”）：给小 GPT 的文本。</translation>
    </message>
    <message>
        <source>arithmetic</source>
        <comment>Lines of sums like 12+35=47, one character at a time: text for a tiny GPT.</comment>
        <translation>一行行像 12+35=47 这样的加法，一次一个字符：给小 GPT 的文本。</translation>
    </message>
    <message>
        <source>circle</source>
        <comment>A disc of one class inside a ring of the other.</comment>
        <translation>一类是圆盘，另一类是围着它的圆环。</translation>
    </message>
    <message>
        <source>xor</source>
        <comment>Opposite quadrants share a class: not linearly separable.</comment>
        <translation>相对的象限属于同一类：无法用直线分开。</translation>
    </message>
    <message>
        <source>gaussian</source>
        <comment>Two Gaussian blobs, one per class.</comment>
        <translation>两个高斯分布的点团，每类一个。</translation>
    </message>
    <message>
        <source>spiral</source>
        <comment>Two interleaved spiral arms: the hardest playground set.</comment>
        <translation>两条交错的螺旋臂：Playground 中最难的数据集。</translation>
    </message>
    <message>
        <source>moons</source>
        <comment>Two interlocking half circles.</comment>
        <translation>两个相互咬合的半圆。</translation>
    </message>
    <message>
        <source>spiral3</source>
        <comment>Three interleaved spiral arms, three classes.</comment>
        <translation>三条交错的螺旋臂，三个类别。</translation>
    </message>
    <message>
        <source>blobs4</source>
        <comment>Four Gaussian blobs, one class each.</comment>
        <translation>四个高斯点团，每个一类。</translation>
    </message>
    <message>
        <source>plane</source>
        <comment>Regression: the target rises linearly across the plane.</comment>
        <translation>回归：目标值在平面上线性升高。</translation>
    </message>
    <message>
        <source>multi_gaussian</source>
        <comment>Regression: six bumps, up or down.</comment>
        <translation>回归：六个凸起，有高有低。</translation>
    </message>
    <message>
        <source>sine</source>
        <comment>Curve fitting: y = sin(x) with noise, x in [-pi, pi].</comment>
        <translation>曲线拟合：带噪声的 y = sin(x)，x 在 [-pi, pi] 之间。</translation>
    </message>
    <message>
        <source>digits</source>
        <comment>1,797 handwritten digits from scikit-learn, 10 classes.</comment>
        <translation>来自 scikit-learn 的 1,797 个手写数字，共 10 类。</translation>
    </message>
    <message>
        <source>sine_forecast</source>
        <comment>A window of a noisy sine wave in, the next value out.</comment>
        <translation>输入带噪声正弦波的一个窗口，输出下一个值。</translation>
    </message>
    <message>
        <source>parity</source>
        <comment>A sequence of bits in: is the number of ones odd?</comment>
        <translation>输入一串比特：其中 1 的个数是奇数吗？</translation>
    </message>
    <message>
        <source>pattern</source>
        <comment>A sequence of tokens 0-3 in: does the run 1, 2, 3 occur?</comment>
        <translation>输入一串 0-3 的词元：其中是否出现连续的 1, 2, 3？</translation>
    </message>
    <message>
        <source>csv</source>
        <comment>Your own table: choose the feature and target columns.</comment>
        <translation>你自己的表格：选择特征列和目标列。</translation>
    </message>
    <message>
        <source>image_folder</source>
        <comment>Your own images, one sub-folder per class.</comment>
        <translation>你自己的图像，每个类别一个子文件夹。</translation>
    </message>
</context>
<context>
    <name>DatasetTitle</name>
    <message>
        <source>drawn</source>
        <comment>Your drawing</comment>
        <translation>你的画</translation>
    </message>
    <message>
        <source>rings</source>
        <comment>Two rings</comment>
        <translation>两个圆环</translation>
    </message>
    <message>
        <source>text_file</source>
        <comment>Text file</comment>
        <translation>文本文件</translation>
    </message>
    <message>
        <source>grammar</source>
        <comment>Grammar text</comment>
        <translation>语法文本</translation>
    </message>
    <message>
        <source>arithmetic</source>
        <comment>Arithmetic text</comment>
        <translation>算术文本</translation>
    </message>
    <message>
        <source>circle</source>
        <comment>Circle</comment>
        <translation>圆</translation>
    </message>
    <message>
        <source>xor</source>
        <comment>XOR</comment>
        <translation>异或</translation>
    </message>
    <message>
        <source>gaussian</source>
        <comment>Two Gaussians</comment>
        <translation>两个高斯团</translation>
    </message>
    <message>
        <source>spiral</source>
        <comment>Spiral</comment>
        <translation>螺旋</translation>
    </message>
    <message>
        <source>moons</source>
        <comment>Moons</comment>
        <translation>月牙</translation>
    </message>
    <message>
        <source>spiral3</source>
        <comment>Spiral, 3 arms</comment>
        <translation>三臂螺旋</translation>
    </message>
    <message>
        <source>blobs4</source>
        <comment>Four blobs</comment>
        <translation>四个点团</translation>
    </message>
    <message>
        <source>plane</source>
        <comment>Plane</comment>
        <translation>平面</translation>
    </message>
    <message>
        <source>multi_gaussian</source>
        <comment>Multi Gaussian</comment>
        <translation>多个高斯</translation>
    </message>
    <message>
        <source>sine</source>
        <comment>Sine curve</comment>
        <translation>正弦曲线</translation>
    </message>
    <message>
        <source>digits</source>
        <comment>Digits 8x8</comment>
        <translation>8x8 数字</translation>
    </message>
    <message>
        <source>sine_forecast</source>
        <comment>Sine forecast</comment>
        <translation>正弦预测</translation>
    </message>
    <message>
        <source>parity</source>
        <comment>Parity</comment>
        <translation>奇偶校验</translation>
    </message>
    <message>
        <source>pattern</source>
        <comment>Pattern</comment>
        <translation>模式</translation>
    </message>
    <message>
        <source>csv</source>
        <comment>CSV file</comment>
        <translation>CSV 文件</translation>
    </message>
    <message>
        <source>image_folder</source>
        <comment>Image folder</comment>
        <translation>图像文件夹</translation>
    </message>
</context>
<context>
    <name>DiagnosisPanel</name>
    <message>
        <source>Why?</source>
        <translation>为什么？</translation>
    </message>
    <message>
        <source>Open the lesson</source>
        <translation>打开课程</translation>
    </message>
    <message>
        <source>Training diagnosis</source>
        <translation>训练诊断</translation>
    </message>
    <message>
        <source>While the network trains, NeuroLoom watches its curves, gradients and activations, and says here in plain words when something goes wrong, and why.</source>
        <translation>网络训练时，NeuroLoom 会观察它的曲线、梯度和激活值，一旦出了问题，就在这里用浅白的话说明出了什么问题、为什么。</translation>
    </message>
    <message>
        <source>No problems so far: findings appear here while the network trains.</source>
        <translation>目前没有问题：训练过程中的发现会显示在这里。</translation>
    </message>
    <message>
        <source>Concept: {title}</source>
        <translation>概念：{title}</translation>
    </message>
    <message>
        <source>epoch {epoch}</source>
        <translation>第 {epoch} 轮</translation>
    </message>
    <message>
        <source>Show {node} on the canvas</source>
        <translation>在画布上显示 {node}</translation>
    </message>
    <message>
        <source>Overfitting</source>
        <translation>过拟合</translation>
    </message>
    <message>
        <source>Vanishing gradients</source>
        <translation>梯度消失</translation>
    </message>
    <message>
        <source>Exploding gradients</source>
        <translation>梯度爆炸</translation>
    </message>
    <message>
        <source>Dead ReLU units</source>
        <translation>死亡 ReLU 单元</translation>
    </message>
    <message>
        <source>A learning rate that is too large</source>
        <translation>学习率太大</translation>
    </message>
    <message>
        <source>A network with enough capacity can memorise its training samples, noise included. Its training loss keeps falling, but on samples it has never seen (the validation set) it gets worse: it has stopped learning the pattern and started learning the noise. Remedies: more data, a smaller network, L2 or L1 penalties, dropout, or early stopping at the epoch with the lowest validation loss.</source>
        <translation>容量足够大的网络能把训练样本连同噪声一起记住。它的训练损失一直下降，但在没见过的样本（验证集）上却越来越差：它不再学习规律，而是开始学习噪声。对策：更多数据、更小的网络、L2 或 L1 惩罚、Dropout，或者在验证损失最低的那一轮提前停止。</translation>
    </message>
    <message>
        <source>Backpropagation multiplies the gradient by each layer's derivative on its way back. Sigmoid and tanh have derivatives below 1 (at most 0.25 for sigmoid), so through many layers the gradient shrinks towards zero and the first layers barely learn. ReLU-like activations, careful initialisation, batch normalization and residual connections keep it flowing.</source>
        <translation>反向传播在回传路上把梯度乘以每一层的导数。sigmoid 和 tanh 的导数小于 1（sigmoid 最大只有 0.25），所以经过很多层后梯度缩小到接近零，前几层几乎学不到东西。类 ReLU 的激活函数、谨慎的初始化、批归一化和残差连接能让梯度继续流动。</translation>
    </message>
    <message>
        <source>When each layer multiplies the gradient by more than 1, it grows exponentially with depth and one step throws the weights far away. A smaller learning rate, gradient clipping, normalization layers or a better initialisation tame it.</source>
        <translation>如果每一层都把梯度乘以大于 1 的数，梯度就会随深度指数增长，一步就把权重甩得很远。更小的学习率、梯度裁剪、归一化层或更好的初始化可以驯服它。</translation>
    </message>
    <message>
        <source>A ReLU outputs zero for every negative input, and its gradient there is zero too. A unit whose input is negative for every sample never changes again: it is dead. A too large learning rate or a strongly negative bias causes it; LeakyReLU or ELU keep a small slope for negatives, so their units cannot die.</source>
        <translation>ReLU 对每个负输入都输出零，那里的梯度也是零。如果一个单元对所有样本的输入都是负数，它就再也不会变化：它“死”了。学习率太大或偏置很负都会造成这种情况；LeakyReLU 和 ELU 在负数一侧保留了小斜率，所以它们的单元不会死。</translation>
    </message>
    <message>
        <source>The learning rate is the size of each step downhill. Too large, and each step overshoots the valley it aims for and lands higher on the other side: the loss rises and can grow without bound. Lower the rate (the learning-rate finder suggests one), or use a schedule that starts small.</source>
        <translation>学习率就是每次下山迈出的步长。太大时，每一步都会越过想去的谷底，落到对面更高的地方：损失上升，甚至无限增长。请降低学习率（学习率查找器会给出建议），或者使用从小学习率开始的调度。</translation>
    </message>
</context>
<context>
    <name>LRFinderView</name>
    <message>
        <source>a hundredth of the rate at the lowest loss</source>
        <translation>损失最低处学习率的百分之一</translation>
    </message>
    <message>
        <source>Learning-rate finder</source>
        <translation>学习率查找器</translation>
    </message>
    <message>
        <source>Trains a copy of the network for 100 steps while the learning rate grows from 0.00001 to 10. Where the loss falls fastest the network learns quickest; where it shoots up the rate is too large. Drag the line to choose another rate.</source>
        <translation>用网络的副本训练 100 步，同时让学习率从 0.00001 增长到 10。损失下降最快的地方，网络学得最快；损失猛增的地方，学习率就太大了。拖动竖线可以选择别的学习率。</translation>
    </message>
    <message>
        <source>learning rate (log scale)</source>
        <translation>学习率（对数坐标）</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Find a rate</source>
        <translation>查找学习率</translation>
    </message>
    <message>
        <source>Use this rate</source>
        <translation>使用这个学习率</translation>
    </message>
    <message>
        <source>No sweep yet: press Find a rate.</source>
        <translation>还没有扫描：请按“查找学习率”。</translation>
    </message>
    <message>
        <source>where the loss falls fastest</source>
        <translation>损失下降最快的地方</translation>
    </message>
    <message>
        <source>a tenth of the rate at the lowest loss</source>
        <translation>损失最低处学习率的十分之一</translation>
    </message>
    <message>
        <source>Sweeping the learning rate…</source>
        <translation>正在扫描学习率…</translation>
    </message>
    <message>
        <source>The sweep was too short to suggest a rate.</source>
        <translation>扫描太短，无法给出建议。</translation>
    </message>
    <message>
        <source>Suggested: {lr} ({how}).</source>
        <translation>建议值：{lr}（{how}）。</translation>
    </message>
    <message>
        <source>The sweep stopped early when the loss exploded.</source>
        <translation>损失爆炸，扫描提前停止。</translation>
    </message>
    <message>
        <source>Chosen: {lr}.</source>
        <translation>已选择：{lr}。</translation>
    </message>
</context>
<context>
    <name>LayerExplanation</name>
    <message>
        <source>FourierFeatures</source>
        <comment>A small network fed bare coordinates learns smooth shapes first and sharp ones very slowly. FourierFeatures replaces each input value v by dim numbers, sin and cos of scale times v times dim/2 frequencies (from 1 down to 1/max_period), so waves both fine and broad are there to combine: [2] becomes [2 * dim]. Diffusion models on 2-D points and coordinate networks use them to draw crisp curves. Join them to the raw values with Concat. It has no weights. NeuroLoom's own node type; its code is included in exported Python.</comment>
        <translation>只喂裸坐标的小网络先学会平滑的形状，学尖锐的形状却很慢。FourierFeatures 把每个输入值 v 换成 dim 个数：scale 乘 v 再乘 dim/2 个频率（从 1 到 1/max_period）之后的 sin 和 cos，于是细的波和宽的波都在那里可供组合：[2] 变成 [2 * dim]。二维点上的扩散模型和坐标网络用它画出清晰的曲线。用 Concat 把它和原始值接在一起。它没有权重。这是 NeuroLoom 自己的节点类型；导出的 Python 代码里包含它的实现。</translation>
    </message>
    <message>
        <source>TimeEmbedding</source>
        <comment>A diffusion model's noise predictor must know how noisy its input is. TimeEmbedding reads the time step t (an Input of shape [1]) and gives dim numbers: sin and cos of t times dim/2 frequencies, from one wave per step down to one wave per max_period steps. Nearby steps get similar vectors, distant ones different vectors, which a Linear layer reads far more easily than the bare number. Join it to the noisy sample with Concat. It has no weights. NeuroLoom's own node type (the sinusoidal embedding of DDPM); its code is included in exported Python.</comment>
        <translation>扩散模型的噪声预测器必须知道输入有多嘈杂。TimeEmbedding 读入时间步 t（形状为 [1] 的 Input），输出 dim 个数：t 乘以 dim/2 个频率后的 sin 和 cos，频率从每步一个波到每 max_period 步一个波。相近的时间步得到相似的向量，相隔远的得到不同的向量，Linear 层读它们比读一个裸数字容易得多。用 Concat 把它和带噪样本接在一起。它没有权重。这是 NeuroLoom 自己的节点类型（DDPM 的正弦嵌入），导出的 Python 代码里包含它的实现。</translation>
    </message>
    <message>
        <source>Input</source>
        <comment>An Input node stands for one sample of your data, without the batch dimension: [2] for a point in the plane, [64] for a flat 8x8 image, [1, 8, 8] for a one-channel image, [T, F] for a sequence of T steps with F features each. Choose dtype int64 for token ids that feed an Embedding. A network may have several inputs (for example a time step beside the data). NeuroLoom's own node type: it has no torch.nn class; it becomes an argument of forward().</comment>
        <translation>Input 节点代表数据中的一个样本，不含批次维度：平面上的一个点是 [2]，展平的 8x8 图像是 [64]，单通道图像是 [1, 8, 8]，T 步、每步 F 个特征的序列是 [T, F]。要给 Embedding 输入词元编号时，请把 dtype 设为 int64。一个网络可以有多个输入（例如数据旁边再加一个时间步）。这是 NeuroLoom 自己的节点类型：它没有对应的 torch.nn 类，会成为 forward() 的一个参数。</translation>
    </message>
    <message>
        <source>Linear</source>
        <comment>A Linear layer holds a weight for every (input, output) pair and one bias per output. Each output neuron computes w·x + b over the last dimension of its input. Stack Linear layers with activation functions between them to build a multi-layer perceptron; without activations, several Linear layers collapse into one. in_features is taken from the input.</comment>
        <translation>Linear 层为每一对（输入，输出）保存一个权重，并为每个输出保存一个偏置。每个输出神经元在输入的最后一个维度上计算 w·x + b。在 Linear 层之间加上激活函数并把它们堆叠起来，就得到多层感知机；没有激活函数时，多个 Linear 层会合并成一个。in_features 由输入决定。</translation>
    </message>
    <message>
        <source>Flatten</source>
        <comment>Flatten lays all values of each sample out in a row, e.g. [16, 4, 4] becomes [256]. Use it between convolutional layers and Linear layers. The batch dimension is never flattened.</comment>
        <translation>Flatten 把每个样本的所有值排成一行，例如 [16, 4, 4] 变成 [256]。把它放在卷积层和 Linear 层之间。批次维度永远不会被展平。</translation>
    </message>
    <message>
        <source>Unflatten</source>
        <comment>Unflatten is the reverse of Flatten: it reshapes one dimension into the sizes you give, whose product must equal that dimension. Use it to turn a vector back into an image, for example in a decoder.</comment>
        <translation>Unflatten 是 Flatten 的逆操作：它把一个维度重新排成你给定的几个尺寸，这些尺寸的乘积必须等于该维度。可以用它把向量变回图像，例如在解码器里。</translation>
    </message>
    <message>
        <source>Reshape</source>
        <comment>Reshape rearranges the values of each sample into a new shape (the batch stays first). One size may be -1 to be worked out from the others. NeuroLoom's own node type: it becomes x.reshape(batch, *shape) in the generated code.</comment>
        <translation>Reshape 把每个样本的值重新排列成新的形状（批次维度仍在最前）。其中一个尺寸可以写 -1，由其余尺寸推算。这是 NeuroLoom 自己的节点类型：在生成的代码里它变成 x.reshape(batch, *shape)。</translation>
    </message>
    <message>
        <source>Dropout</source>
        <comment>During training, Dropout sets each value to zero with probability p and scales the rest by 1/(1-p), so the network cannot rely on any single neuron. At evaluation time it does nothing. A classic regularizer for networks that overfit.</comment>
        <translation>训练时，Dropout 以概率 p 把每个值置零，并把其余的值乘以 1/(1-p)，使网络不能依赖任何单个神经元。评估时它什么也不做。它是对付过拟合的经典正则化方法。</translation>
    </message>
    <message>
        <source>Identity</source>
        <comment>Identity returns its input as it is. Handy as a placeholder or a named tap point.</comment>
        <translation>Identity 原样返回它的输入。可以当作占位符，或者当作一个有名字的观察点。</translation>
    </message>
    <message>
        <source>ReLU</source>
        <comment>The rectified linear unit is the default activation of modern networks: cheap, and its gradient does not shrink for positive inputs. Units whose inputs stay negative stop learning ('dead ReLUs'); LeakyReLU avoids that.</comment>
        <translation>修正线性单元是现代网络默认的激活函数：计算便宜，而且对正输入梯度不会缩小。输入一直为负的单元会停止学习（“死亡 ReLU”）；LeakyReLU 可以避免这种情况。</translation>
    </message>
    <message>
        <source>LeakyReLU</source>
        <comment>LeakyReLU returns x for positive x and negative_slope·x otherwise, so no unit can die completely: a little gradient always flows.</comment>
        <translation>LeakyReLU 对正的 x 返回 x，否则返回 negative_slope·x，所以单元不会完全死掉：总有一点梯度流过。</translation>
    </message>
    <message>
        <source>ELU</source>
        <comment>The exponential linear unit is x for positive x and alpha·(exp(x) - 1) otherwise: smooth at zero and with mean activations closer to zero than ReLU.</comment>
        <translation>指数线性单元在 x 为正时等于 x，否则等于 alpha·(exp(x) - 1)：在零点平滑，平均激活值也比 ReLU 更接近零。</translation>
    </message>
    <message>
        <source>GELU</source>
        <comment>The Gaussian error linear unit weights each input by the standard normal cumulative probability of that input. It is the activation of BERT and GPT.</comment>
        <translation>高斯误差线性单元用标准正态分布在该输入处的累积概率给每个输入加权。它是 BERT 和 GPT 使用的激活函数。</translation>
    </message>
    <message>
        <source>SiLU</source>
        <comment>SiLU multiplies each input by its own sigmoid: smooth, non-monotonic near zero, and a strong default in deep convolutional networks.</comment>
        <translation>SiLU 把每个输入乘以它自己的 sigmoid：平滑，在零附近不单调，是深层卷积网络中很好的默认选择。</translation>
    </message>
    <message>
        <source>Sigmoid</source>
        <comment>The logistic sigmoid 1/(1+exp(-x)) turns a score into a probability. As a hidden activation it saturates: for large |x| its gradient vanishes, which slows deep networks down.</comment>
        <translation>logistic sigmoid 函数 1/(1+exp(-x)) 把一个分数变成概率。用作隐藏层激活函数时它会饱和：|x| 很大时梯度消失，使深层网络学得很慢。</translation>
    </message>
    <message>
        <source>Tanh</source>
        <comment>The hyperbolic tangent is a zero-centred sigmoid. It is TensorFlow Playground's default activation; like the sigmoid it saturates for large inputs.</comment>
        <translation>双曲正切是以零为中心的 sigmoid。它是 TensorFlow Playground 的默认激活函数；和 sigmoid 一样，输入很大时会饱和。</translation>
    </message>
    <message>
        <source>Softmax</source>
        <comment>Softmax exponentiates each score and divides by the sum along dim. Use it to read class probabilities; for training with CrossEntropyLoss leave it out, because that loss applies it itself.</comment>
        <translation>Softmax 对每个分数取指数，再除以沿 dim 的总和。用它读出各类别的概率；用 CrossEntropyLoss 训练时不要加它，因为这个损失函数会自己做这一步。</translation>
    </message>
    <message>
        <source>LogSoftmax</source>
        <comment>LogSoftmax gives log-probabilities. Pair it with NLLLoss; together they equal CrossEntropyLoss on raw scores.</comment>
        <translation>LogSoftmax 给出对数概率。把它和 NLLLoss 搭配使用；两者合起来等于对原始分数使用 CrossEntropyLoss。</translation>
    </message>
    <message>
        <source>Softplus</source>
        <comment>Softplus is always positive and smooth everywhere; useful where an output must be positive, such as a standard deviation.</comment>
        <translation>Softplus 总是正的，而且处处平滑；在输出必须为正的地方很有用，例如标准差。</translation>
    </message>
    <message>
        <source>Step</source>
        <comment>The Heaviside step function of Rosenblatt's perceptron. Its true gradient is zero everywhere, so NeuroLoom passes the gradient straight through (the straight-through estimator) to let it train at all. NeuroLoom's own node type.</comment>
        <translation>Rosenblatt 感知机使用的单位阶跃函数。它真正的梯度处处为零，所以 NeuroLoom 让梯度直接穿过它（直通估计），它才能被训练。这是 NeuroLoom 自己的节点类型。</translation>
    </message>
    <message>
        <source>BatchNorm1d</source>
        <comment>Batch normalization standardizes each feature (or channel of a sequence) using the mean and variance of the current batch, then applies a learned scale and shift. It lets deep networks train faster and with larger learning rates. Input [C] or [C, L]; num_features is taken from C.</comment>
        <translation>批归一化用当前批次的均值和方差把每个特征（或序列的每个通道）标准化，然后施加一个可学习的缩放和平移。它让深层网络训练得更快，也能承受更大的学习率。输入为 [C] 或 [C, L]；num_features 由 C 决定。</translation>
    </message>
    <message>
        <source>BatchNorm2d</source>
        <comment>BatchNorm2d normalizes each channel of a [C, H, W] feature map over the batch and all positions, then rescales it. Place it after a convolution, before the activation. num_features is taken from C.</comment>
        <translation>BatchNorm2d 在批次和所有位置上标准化 [C, H, W] 特征图的每个通道，然后重新缩放。把它放在卷积之后、激活函数之前。num_features 由 C 决定。</translation>
    </message>
    <message>
        <source>LayerNorm</source>
        <comment>Layer normalization standardizes the last dimension of each sample separately (no batch statistics), then rescales it. It is the normalization of Transformers and works the same in training and evaluation. normalized_shape is taken from the input's last dimension.</comment>
        <translation>层归一化分别标准化每个样本的最后一个维度（不用批次统计量），然后重新缩放。它是 Transformer 使用的归一化方法，训练和评估时的行为完全相同。normalized_shape 由输入的最后一个维度决定。</translation>
    </message>
    <message>
        <source>Conv1d</source>
        <comment>A 1-D convolution slides each of out_channels filters along the length of a [channels, length] input and records how strongly each position matches. It finds local patterns in time series and audio with few weights. in_channels is taken from the input.</comment>
        <translation>一维卷积让 out_channels 个滤波器各自沿 [通道, 长度] 输入的长度方向滑动，记录每个位置与滤波器的匹配程度。它用很少的权重在时间序列和音频中找到局部模式。in_channels 由输入决定。</translation>
    </message>
    <message>
        <source>Conv2d</source>
        <comment>A 2-D convolution slides each of out_channels small filters (kernel_size) over a [channels, height, width] image and produces one feature map per filter. Early filters learn edges and blobs; deeper ones, parts of objects. Weights are shared across positions, so a CNN needs far fewer weights than a Linear layer on the same pixels. in_channels is taken from the input.</comment>
        <translation>二维卷积让 out_channels 个小滤波器（大小为 kernel_size）在 [通道, 高, 宽] 的图像上滑动，每个滤波器产生一张特征图。前面的滤波器学会边缘和斑块，更深的学会物体的局部。权重在各个位置共享，所以对同样的像素，CNN 需要的权重比 Linear 层少得多。in_channels 由输入决定。</translation>
    </message>
    <message>
        <source>ConvTranspose2d</source>
        <comment>A transposed convolution spreads each input value over a kernel-sized patch of the output, so with stride 2 it doubles the height and width. Decoders and GAN generators use it to grow images from small codes.</comment>
        <translation>转置卷积把每个输入值铺到输出中一个卷积核大小的区域上，所以步幅为 2 时高和宽都会翻倍。解码器和 GAN 生成器用它从小的编码生成图像。</translation>
    </message>
    <message>
        <source>MaxPool1d</source>
        <comment>Max pooling shrinks a [channels, length] signal by keeping the maximum of each window, making detections robust to small shifts.</comment>
        <translation>最大池化保留每个窗口的最大值，从而缩短 [通道, 长度] 信号，使检测结果不怕小的平移。</translation>
    </message>
    <message>
        <source>MaxPool2d</source>
        <comment>Max pooling halves (with kernel 2) the height and width of each feature map by keeping the strongest response in each window. It adds tolerance to small shifts and cuts computation for the layers after it.</comment>
        <translation>最大池化保留每个窗口中最强的响应，从而（在核为 2 时）把每张特征图的高和宽减半。它增加了对小平移的容忍度，也减少了后面各层的计算量。</translation>
    </message>
    <message>
        <source>AvgPool2d</source>
        <comment>Average pooling shrinks each feature map by averaging each window: a smoother alternative to max pooling.</comment>
        <translation>平均池化对每个窗口求平均，从而缩小每张特征图：它是比最大池化更平滑的选择。</translation>
    </message>
    <message>
        <source>AdaptiveAvgPool2d</source>
        <comment>Adaptive average pooling chooses its windows so the output has exactly output_size, whatever the input size. With output_size 1 it is global average pooling: one number per channel, a common head for CNN classifiers.</comment>
        <translation>自适应平均池化自己选择窗口，使输出恰好是 output_size，无论输入多大。output_size 为 1 时就是全局平均池化：每个通道一个数，是 CNN 分类器常用的输出头。</translation>
    </message>
    <message>
        <source>Upsample</source>
        <comment>Upsample makes each feature map scale_factor times larger by repeating (nearest) or interpolating (linear, bilinear) values. Followed by a convolution it is a smooth alternative to a transposed convolution.</comment>
        <translation>Upsample 通过重复（nearest）或插值（linear、bilinear）把每张特征图放大 scale_factor 倍。后面接一个卷积，就是转置卷积的平滑替代。</translation>
    </message>
    <message>
        <source>RNN</source>
        <comment>A simple recurrent network updates its hidden state from the previous state and the current input at every step. It can model order and short-range memory, but its gradients vanish or explode over long sequences. Input [time, features]; input_size is taken from the input. NeuroLoom always uses batch_first=True, and its 'output' setting (not a torch argument) picks the whole output sequence or the final step.</comment>
        <translation>简单的循环网络在每一步根据上一步的状态和当前输入更新隐藏状态。它能刻画顺序和短期记忆，但在长序列上梯度会消失或爆炸。输入为 [时间, 特征]；input_size 由输入决定。NeuroLoom 总是使用 batch_first=True，它的 'output' 设置（不是 torch 参数）选择输出整个序列还是最后一步。</translation>
    </message>
    <message>
        <source>LSTM</source>
        <comment>The long short-term memory cell adds a cell state with input, forget and output gates, so information and gradients can flow across many steps. The classic choice for forecasting and sequence classification. Input [time, features]; input_size is taken from the input. NeuroLoom always uses batch_first=True, and its 'output' setting (not a torch argument) picks the whole output sequence or the final step.</comment>
        <translation>长短期记忆单元增加了一个细胞状态，以及输入门、遗忘门和输出门，让信息和梯度能跨越很多步流动。它是预测和序列分类的经典选择。输入为 [时间, 特征]；input_size 由输入决定。NeuroLoom 总是使用 batch_first=True，它的 'output' 设置（不是 torch 参数）选择输出整个序列还是最后一步。</translation>
    </message>
    <message>
        <source>GRU</source>
        <comment>The gated recurrent unit merges the LSTM's gates into update and reset gates: fewer weights, often just as good. Input [time, features]; input_size is taken from the input. NeuroLoom always uses batch_first=True, and its 'output' setting (not a torch argument) picks the whole output sequence or the final step.</comment>
        <translation>门控循环单元把 LSTM 的门合并成更新门和重置门：权重更少，效果往往一样好。输入为 [时间, 特征]；input_size 由输入决定。NeuroLoom 总是使用 batch_first=True，它的 'output' 设置（不是 torch 参数）选择输出整个序列还是最后一步。</translation>
    </message>
    <message>
        <source>Embedding</source>
        <comment>An Embedding is a table with one learned row of embedding_dim numbers per token id. It turns integer ids [T] into vectors [T, embedding_dim]; tokens used in similar ways end up with similar vectors. num_embeddings is the vocabulary size: every id must be below it.</comment>
        <translation>Embedding 是一张表，每个词元编号对应一行 embedding_dim 个可学习的数。它把整数编号 [T] 变成向量 [T, embedding_dim]；用法相似的词元最终会有相似的向量。num_embeddings 是词表大小：每个编号都必须小于它。</translation>
    </message>
    <message>
        <source>PositionalEncoding</source>
        <comment>Attention by itself ignores order: shuffle the tokens and it gives the same answer. PositionalEncoding adds a different vector to each position, either fixed sine and cosine waves or learned ones. d_model is taken from the input. NeuroLoom's own node type (torch.nn has no such class); its code is included in exported Python.</comment>
        <translation>注意力本身不管顺序：把词元打乱，它给出的答案不变。PositionalEncoding 给每个位置加上一个不同的向量，可以是固定的正弦和余弦波，也可以是学出来的。d_model 由输入决定。这是 NeuroLoom 自己的节点类型（torch.nn 没有这个类）；导出的 Python 代码中包含它的实现。</translation>
    </message>
    <message>
        <source>MultiheadAttention</source>
        <comment>Each position asks a query, every position offers a key and a value; a position's output is the average of the values weighted by how well its query matches each key. Several heads attend to different things at once. Here it is self-attention (query, key and value all come from the one input). 'causal' (a NeuroLoom setting, not a torch argument) hides later positions, as GPT does. embed_dim is taken from the input.</comment>
        <translation>每个位置提出一个查询，每个位置提供一个键和一个值；一个位置的输出是各个值的加权平均，权重取决于它的查询与每个键的匹配程度。多个头可以同时关注不同的东西。这里是自注意力（查询、键和值都来自同一个输入）。'causal'（NeuroLoom 的设置，不是 torch 参数）会像 GPT 那样遮住后面的位置。embed_dim 由输入决定。</translation>
    </message>
    <message>
        <source>TransformerEncoderLayer</source>
        <comment>A Transformer encoder layer applies multi-head self-attention and a two-layer feed-forward network, each wrapped in a residual connection and layer normalization. Stack several for BERT-style encoders; set 'causal' (a NeuroLoom setting) for GPT-style decoders that may not look ahead. d_model is taken from the input [time, d_model].</comment>
        <translation>Transformer 编码器层先做多头自注意力，再做一个两层的前馈网络，每一部分都包在残差连接和层归一化里。把几层堆起来就是 BERT 式的编码器；设置 'causal'（NeuroLoom 的设置）就得到不能往后看的 GPT 式解码器。d_model 由输入 [时间, d_model] 决定。</translation>
    </message>
    <message>
        <source>Add</source>
        <comment>Add sums two or more tensors of the same shape. Adding a block's input to its output (a skip or residual connection) lets gradients bypass the block, which is what makes very deep networks (ResNets, Transformers) trainable. NeuroLoom's own node type: it becomes a + b in the generated code.</comment>
        <translation>Add 把两个或多个形状相同的张量相加。把一个块的输入加到它的输出上（跳跃连接或残差连接），梯度就能绕过这个块，这正是非常深的网络（ResNet、Transformer）能够训练的原因。这是 NeuroLoom 自己的节点类型：在生成的代码里它变成 a + b。</translation>
    </message>
    <message>
        <source>Concat</source>
        <comment>Concat places two or more tensors next to each other along dim (-1: the features; 1: the channels of images). All other dimensions must agree. Inputs are joined in the order they were connected. NeuroLoom's own node type: it becomes torch.cat.</comment>
        <translation>Concat 沿 dim 把两个或多个张量并排放在一起（-1：特征维；1：图像的通道维）。其他维度必须一致。输入按连接的先后顺序拼接。这是 NeuroLoom 自己的节点类型：它变成 torch.cat。</translation>
    </message>
    <message>
        <source>Multiply</source>
        <comment>Multiply takes the element-wise product of two or more tensors of the same shape. With a sigmoid on one branch it becomes a learned gate, as inside an LSTM. NeuroLoom's own node type.</comment>
        <translation>Multiply 计算两个或多个形状相同的张量的逐元素乘积。在其中一支上加 sigmoid，它就成了一个可学习的门，就像 LSTM 里面那样。这是 NeuroLoom 自己的节点类型。</translation>
    </message>
</context>
<context>
    <name>LayerSummary</name>
    <message>
        <source>FourierFeatures</source>
        <comment>Each input value as sines and cosines of many frequencies.</comment>
        <translation>把每个输入值变成许多频率的正弦和余弦。</translation>
    </message>
    <message>
        <source>TimeEmbedding</source>
        <comment>Turns a diffusion time step into a vector of sines and cosines.</comment>
        <translation>把扩散的时间步变成一组正弦和余弦值。</translation>
    </message>
    <message>
        <source>Input</source>
        <comment>Where data enters the network.</comment>
        <translation>数据进入网络的地方。</translation>
    </message>
    <message>
        <source>Linear</source>
        <comment>Fully connected layer: every output is a weighted sum of all inputs plus a bias.</comment>
        <translation>全连接层：每个输出都是所有输入的加权和再加上偏置。</translation>
    </message>
    <message>
        <source>Flatten</source>
        <comment>Turns an image or feature map into one long vector.</comment>
        <translation>把图像或特征图展成一个长向量。</translation>
    </message>
    <message>
        <source>Unflatten</source>
        <comment>Splits one dimension into several, e.g. [64] into [1, 8, 8].</comment>
        <translation>把一个维度拆成几个，例如把 [64] 变成 [1, 8, 8]。</translation>
    </message>
    <message>
        <source>Reshape</source>
        <comment>Gives each sample a new shape with the same number of values.</comment>
        <translation>给每个样本换一个形状，值的个数不变。</translation>
    </message>
    <message>
        <source>Dropout</source>
        <comment>Randomly zeroes inputs while training, to fight overfitting.</comment>
        <translation>训练时随机把输入置零，用来对抗过拟合。</translation>
    </message>
    <message>
        <source>Identity</source>
        <comment>Passes its input through unchanged.</comment>
        <translation>让输入原样通过。</translation>
    </message>
    <message>
        <source>ReLU</source>
        <comment>max(0, x): passes positives, zeroes negatives.</comment>
        <translation>max(0, x)：正数通过，负数归零。</translation>
    </message>
    <message>
        <source>LeakyReLU</source>
        <comment>Like ReLU, but negatives keep a small slope.</comment>
        <translation>和 ReLU 类似，但负数保留一个小斜率。</translation>
    </message>
    <message>
        <source>ELU</source>
        <comment>Smooth ReLU that saturates to -alpha for large negatives.</comment>
        <translation>平滑的 ReLU，负数很大时趋于 -alpha。</translation>
    </message>
    <message>
        <source>GELU</source>
        <comment>Smooth gate used in Transformers: x times the chance that x is large.</comment>
        <translation>Transformer 中使用的平滑门控：x 乘以 x 取较大值的概率。</translation>
    </message>
    <message>
        <source>SiLU</source>
        <comment>x · sigmoid(x), also called swish.</comment>
        <translation>x · sigmoid(x)，也叫 swish。</translation>
    </message>
    <message>
        <source>Sigmoid</source>
        <comment>Squashes any number into (0, 1).</comment>
        <translation>把任何数压缩到 (0, 1) 之间。</translation>
    </message>
    <message>
        <source>Tanh</source>
        <comment>Squashes any number into (-1, 1), centred on zero.</comment>
        <translation>把任何数压缩到 (-1, 1) 之间，以零为中心。</translation>
    </message>
    <message>
        <source>Softmax</source>
        <comment>Turns scores into probabilities that sum to 1.</comment>
        <translation>把分数变成总和为 1 的概率。</translation>
    </message>
    <message>
        <source>LogSoftmax</source>
        <comment>The logarithm of softmax, numerically stable.</comment>
        <translation>softmax 的对数，数值上更稳定。</translation>
    </message>
    <message>
        <source>Softplus</source>
        <comment>A smooth version of ReLU: log(1 + exp(x)).</comment>
        <translation>ReLU 的平滑版本：log(1 + exp(x))。</translation>
    </message>
    <message>
        <source>Step</source>
        <comment>The perceptron's threshold: 1 if x &gt; 0, else 0.</comment>
        <translation>感知机的阈值：x &gt; 0 时为 1，否则为 0。</translation>
    </message>
    <message>
        <source>BatchNorm1d</source>
        <comment>Normalizes each feature over the batch, then rescales it.</comment>
        <translation>在批次上标准化每个特征，再重新缩放。</translation>
    </message>
    <message>
        <source>BatchNorm2d</source>
        <comment>Batch normalization for images: one mean and variance per channel.</comment>
        <translation>图像的批归一化：每个通道一个均值和方差。</translation>
    </message>
    <message>
        <source>LayerNorm</source>
        <comment>Normalizes the features of each sample on its own.</comment>
        <translation>单独标准化每个样本的特征。</translation>
    </message>
    <message>
        <source>Conv1d</source>
        <comment>Slides learned filters along a sequence or signal.</comment>
        <translation>让学到的滤波器沿着序列或信号滑动。</translation>
    </message>
    <message>
        <source>Conv2d</source>
        <comment>Slides learned filters over an image to detect local patterns.</comment>
        <translation>让学到的滤波器在图像上滑动，检测局部图案。</translation>
    </message>
    <message>
        <source>ConvTranspose2d</source>
        <comment>Learned upsampling: the reverse direction of a convolution.</comment>
        <translation>可学习的上采样：卷积的反方向。</translation>
    </message>
    <message>
        <source>MaxPool1d</source>
        <comment>Keeps the largest value in each window of a signal.</comment>
        <translation>保留信号每个窗口中的最大值。</translation>
    </message>
    <message>
        <source>MaxPool2d</source>
        <comment>Keeps the largest value in each window of an image.</comment>
        <translation>保留图像每个窗口中的最大值。</translation>
    </message>
    <message>
        <source>AvgPool2d</source>
        <comment>Averages each window of an image.</comment>
        <translation>对图像的每个窗口求平均。</translation>
    </message>
    <message>
        <source>AdaptiveAvgPool2d</source>
        <comment>Averages each feature map down to a fixed size.</comment>
        <translation>把每张特征图平均到固定的尺寸。</translation>
    </message>
    <message>
        <source>Upsample</source>
        <comment>Enlarges feature maps by a scale factor, without weights.</comment>
        <translation>按比例放大特征图，没有权重。</translation>
    </message>
    <message>
        <source>RNN</source>
        <comment>Reads a sequence step by step, carrying a hidden state.</comment>
        <translation>一步一步读序列，并携带一个隐藏状态。</translation>
    </message>
    <message>
        <source>LSTM</source>
        <comment>A recurrent layer with gates that keep long-term memory.</comment>
        <translation>带门控、能保持长期记忆的循环层。</translation>
    </message>
    <message>
        <source>GRU</source>
        <comment>A lighter gated recurrent layer.</comment>
        <translation>更轻量的门控循环层。</translation>
    </message>
    <message>
        <source>Embedding</source>
        <comment>Looks up a learned vector for each token id.</comment>
        <translation>为每个词元编号查出一个学到的向量。</translation>
    </message>
    <message>
        <source>PositionalEncoding</source>
        <comment>Adds each position's signature so attention knows the order.</comment>
        <translation>给每个位置加上自己的标记，让注意力知道顺序。</translation>
    </message>
    <message>
        <source>MultiheadAttention</source>
        <comment>Self-attention: every position looks at every other and mixes what it finds.</comment>
        <translation>自注意力：每个位置查看其他所有位置，并把找到的内容混合起来。</translation>
    </message>
    <message>
        <source>TransformerEncoderLayer</source>
        <comment>One Transformer block: self-attention then a feed-forward network.</comment>
        <translation>一个 Transformer 块：先自注意力，再前馈网络。</translation>
    </message>
    <message>
        <source>Add</source>
        <comment>Adds its inputs element by element: the residual connection.</comment>
        <translation>逐元素相加：残差连接。</translation>
    </message>
    <message>
        <source>Concat</source>
        <comment>Joins its inputs side by side along one dimension.</comment>
        <translation>沿一个维度把输入并排拼接起来。</translation>
    </message>
    <message>
        <source>Multiply</source>
        <comment>Multiplies its inputs element by element (gating).</comment>
        <translation>逐元素相乘（门控）。</translation>
    </message>
</context>
<context>
    <name>LossExplanation</name>
    <message>
        <source>MSELoss</source>
        <comment>Mean squared error: the average of (prediction - target)^2. Big mistakes cost much more than small ones, so the network works hardest on its worst predictions. The usual choice for regression. On a classification task the classes become one-hot targets (or -1/+1 for a single output), as in TensorFlow Playground.</comment>
        <translation>均方误差：(预测值 - 目标值)^2 的平均值。大错误的代价远高于小错误，所以网络会全力改进最差的预测。这是回归问题的常用选择。在分类任务上，类别会变成 one-hot 目标（单个输出时为 -1/+1），和 TensorFlow Playground 一样。</translation>
    </message>
    <message>
        <source>L1Loss</source>
        <comment>Mean absolute error (MAE): the average of |prediction - target|. Every unit of error costs the same, so a few wild outliers pull the network less than with squared error. The prediction it settles on is the median rather than the mean.</comment>
        <translation>平均绝对误差（MAE）：|预测值 - 目标值| 的平均值。每一单位误差的代价都相同，所以少数离群值对网络的拉扯比平方误差小。它最终给出的是中位数而不是平均数。</translation>
    </message>
    <message>
        <source>SmoothL1Loss</source>
        <comment>Huber-style loss: squared error for small mistakes (below 1) and absolute error for large ones. It is gentle and smooth near the target like MSE, yet robust to outliers like L1.</comment>
        <translation>Huber 式损失：小错误（小于 1）用平方误差，大错误用绝对误差。它在目标附近像 MSE 一样平缓光滑，又像 L1 一样不怕离群值。</translation>
    </message>
    <message>
        <source>CrossEntropyLoss</source>
        <comment>Cross-entropy for classification: the network gives one score (logit) per class, softmax turns the scores into probabilities, and the loss is -log of the probability given to the right class. Confident wrong answers cost a lot; the softmax is built in, so the last layer should be a plain Linear.</comment>
        <translation>分类用的交叉熵：网络为每个类别给出一个分数（logit），softmax 把分数变成概率，损失是正确类别概率的 -log。自信的错误答案代价很高；softmax 已经内置，所以最后一层应该是普通的 Linear。</translation>
    </message>
    <message>
        <source>BCEWithLogitsLoss</source>
        <comment>Binary cross-entropy on logits: for two classes the network gives a single score, a sigmoid turns it into the probability of class 1, and the loss is -log of the probability of the right answer. With one output per class it treats each class as its own yes/no question. The sigmoid is built in.</comment>
        <translation>基于 logit 的二元交叉熵：两类问题中网络只给出一个分数，sigmoid 把它变成属于类别 1 的概率，损失是正确答案概率的 -log。每个类别各有一个输出时，它把每个类别当作一个独立的是非题。sigmoid 已经内置。</translation>
    </message>
    <message>
        <source>NLLLoss</source>
        <comment>Negative log-likelihood: -log of the probability given to the right class, read from outputs that are already log-probabilities. End the network with LogSoftmax; LogSoftmax followed by NLLLoss is exactly CrossEntropyLoss.</comment>
        <translation>负对数似然：正确类别概率的 -log，从已经是对数概率的输出中读取。网络最后接 LogSoftmax；LogSoftmax 加 NLLLoss 恰好等于 CrossEntropyLoss。</translation>
    </message>
    <message>
        <source>MultiMarginLoss</source>
        <comment>Multi-class hinge loss, as in support vector machines: the score of the right class should beat every other score by a margin of 1. Once it does, that example costs nothing, so the network only learns from the examples it gets wrong or barely right.</comment>
        <translation>多类合页损失，和支持向量机一样：正确类别的分数应该比其他每个分数高出至少 1 的间隔。一旦做到，这个样本就不再产生代价，所以网络只从答错或勉强答对的样本中学习。</translation>
    </message>
    <message>
        <source>0-1</source>
        <comment>The 0-1 loss counts mistakes: 1 for a wrong class, 0 for a right one. Its average is the error rate (1 - accuracy). It is what we care about but has no gradient, so networks train on a smooth loss and we report the error rate beside it.</comment>
        <translation>0-1 损失数错误：类别错了记 1，对了记 0。它的平均值就是错误率（1 - 准确率）。这是我们真正关心的，但它没有梯度，所以网络用平滑的损失训练，同时在旁边报告错误率。</translation>
    </message>
</context>
<context>
    <name>LossLens</name>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>errors</source>
        <translation>误差</translation>
    </message>
    <message>
        <source>margins</source>
        <translation>间隔</translation>
    </message>
    <message>
        <source>Loss functions</source>
        <translation>损失函数</translation>
    </message>
    <message>
        <source>A loss turns each answer into one number to minimise. Regression losses grow with the error (prediction − target); classification losses shrink as the margin grows (how far the right class's score is ahead of the others: positive is right, negative is wrong).</source>
        <translation>损失函数把每个回答变成一个要最小化的数。回归损失随误差（预测值 − 目标值）增大；分类损失随间隔增大而减小（间隔是正确类别的分数领先其他类别多少：正数表示答对，负数表示答错）。</translation>
    </message>
    <message>
        <source>Train a few steps to mark the current batch here.</source>
        <translation>训练几步，就能在这里标出当前批次。</translation>
    </message>
    <message>
        <source>Current batch, {n} {what}: mean {means}</source>
        <translation>当前批次，{n} 个{what}：平均 {means}</translation>
    </message>
    <message>
        <source>Regression: loss against the error</source>
        <translation>回归：损失与误差</translation>
    </message>
    <message>
        <source>error = prediction − target</source>
        <translation>误差 = 预测值 − 目标值</translation>
    </message>
    <message>
        <source>MSE punishes large errors most, so outliers pull hard; MAE treats every unit of error alike; Smooth L1 is squared near zero and linear beyond 1: robust to outliers.</source>
        <translation>MSE 对大误差惩罚最重，所以离群值拉扯得很厉害；MAE 对每一单位误差一视同仁；Smooth L1 在零附近是平方、超过 1 之后是线性：不怕离群值。</translation>
    </message>
    <message>
        <source>Classification: loss against the margin</source>
        <translation>分类：损失与间隔</translation>
    </message>
    <message>
        <source>margin = right score − best other score</source>
        <translation>间隔 = 正确分数 − 其他最高分数</translation>
    </message>
    <message>
        <source>Cross-entropy keeps pushing right answers to be surer; hinge stops once the margin reaches 1; 0-1 simply counts mistakes, but its slope is zero, so it cannot be trained on.</source>
        <translation>交叉熵会一直推动正确答案变得更有把握；合页损失在间隔达到 1 时就停止；0-1 损失只是数错误，但它的斜率为零，所以无法用它训练。</translation>
    </message>
</context>
<context>
    <name>OptimizerExplanation</name>
    <message>
        <source>SGD</source>
        <comment>Stochastic gradient descent: after each batch, move every weight a small step (the learning rate) against its gradient. With momentum it keeps a running velocity, so steps that agree build up speed and zig-zags cancel out; Nesterov momentum looks ahead to where the velocity is taking it before measuring the gradient.</comment>
        <translation>随机梯度下降：每个批次之后，把每个权重沿梯度的反方向移动一小步（步长就是学习率）。加上动量后，它会保持一个速度，方向一致的步子越走越快，来回摆动则相互抵消；Nesterov 动量会先看看速度要把它带到哪里，再在那里测量梯度。</translation>
    </message>
    <message>
        <source>Adam</source>
        <comment>Adam keeps, for every weight, a running average of its gradients (momentum) and of their squares (how noisy it is), and divides one by the other. Each weight thus gets its own step size, which makes Adam work well with little tuning; it is the usual first choice.</comment>
        <translation>Adam 为每个权重记录梯度的滑动平均（动量）和梯度平方的滑动平均（有多嘈杂），再用前者除以后者。这样每个权重都有自己的步长，使 Adam 几乎不用调参就能工作良好；它是通常的首选。</translation>
    </message>
    <message>
        <source>AdamW</source>
        <comment>AdamW is Adam with weight decay done right: instead of adding L2 to the gradient (where Adam's per-weight scaling would weaken it), it shrinks every weight directly a little at each step. Prefer it over Adam when you use weight decay.</comment>
        <translation>AdamW 是正确实现权重衰减的 Adam：它不把 L2 加到梯度上（那样会被 Adam 的逐权重缩放削弱），而是在每一步直接把每个权重缩小一点。使用权重衰减时，优先选择它而不是 Adam。</translation>
    </message>
    <message>
        <source>RMSprop</source>
        <comment>RMSprop divides each weight's step by a running average of the size of its recent gradients, so weights with large, noisy gradients take smaller steps and quiet ones take larger steps. Adam grew out of it by adding momentum.</comment>
        <translation>RMSprop 用每个权重最近梯度大小的滑动平均去除它的步长，所以梯度大而嘈杂的权重步子小，安静的权重步子大。Adam 就是在它的基础上加了动量。</translation>
    </message>
    <message>
        <source>Adagrad</source>
        <comment>Adagrad divides each weight's step by the square root of the sum of all its past squared gradients. Rarely updated weights keep large steps, frequently updated ones slow down; the steps only ever shrink, so long runs may stall.</comment>
        <translation>Adagrad 用每个权重过去所有梯度平方之和的平方根去除它的步长。很少更新的权重保持大步长，频繁更新的权重会慢下来；步长只会越来越小，所以长时间训练可能会停滞。</translation>
    </message>
</context>
<context>
    <name>OptimizerLens</name>
    <message>
        <source>Optimizers</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Four optimizers start from the same point (the ring) and follow the gradient downhill. SGD steps straight down the slope; momentum builds up speed; RMSprop and Adam scale each direction by how steep it has been. Click the surface to start elsewhere.</source>
        <translation>四个优化器从同一点（圆环）出发，沿梯度下山。SGD 直接顺着坡往下走；动量会积累速度；RMSprop 和 Adam 按每个方向以往的陡峭程度调整步长。点击曲面可以换一个起点。</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>Surface</source>
        <translation>曲面</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Paths on the loss surface</source>
        <translation>损失曲面上的路径</translation>
    </message>
    <message>
        <source>Loss after each step (log scale)</source>
        <translation>每一步之后的损失（对数坐标）</translation>
    </message>
    <message>
        <source>diverged at step {step}</source>
        <translation>在第 {step} 步发散</translation>
    </message>
    <message>
        <source>loss {loss}</source>
        <translation>损失 {loss}</translation>
    </message>
    <message>
        <source>Narrow valley</source>
        <translation>狭长山谷</translation>
    </message>
    <message>
        <source>Rosenbrock's banana</source>
        <translation>Rosenbrock 香蕉函数</translation>
    </message>
    <message>
        <source>Himmelblau's four minima</source>
        <translation>Himmelblau 四极小值</translation>
    </message>
    <message>
        <source>A long, narrow valley: 20 times steeper across than along. Plain SGD zig-zags across it; above a rate of 0.1 every step overshoots more than the last.</source>
        <translation>一条又长又窄的山谷：横向比纵向陡 20 倍。普通 SGD 在谷中来回折返；学习率超过 0.1 时，每一步都比上一步越得更远。</translation>
    </message>
    <message>
        <source>A curved, almost flat valley floor around steep walls: easy to fall into, slow to follow to the minimum at (1, 1).</source>
        <translation>陡峭谷壁之间一条弯曲而几乎平坦的谷底：很容易掉进去，但要顺着它走到 (1, 1) 处的极小值却很慢。</translation>
    </message>
    <message>
        <source>Four equally good minima around a hill: from the same start, optimizers may end in different ones.</source>
        <translation>一座小山周围有四个同样好的极小值：从同一个起点出发，不同的优化器可能落到不同的极小值。</translation>
    </message>
    <message>
        <source>Momentum</source>
        <translation>动量</translation>
    </message>
</context>
<context>
    <name>ScheduleExplanation</name>
    <message>
        <source>constant</source>
        <comment>The learning rate stays the same for the whole run.</comment>
        <translation>学习率在整个训练过程中保持不变。</translation>
    </message>
    <message>
        <source>step</source>
        <comment>Step decay: the learning rate is multiplied by gamma every step_size epochs, so training takes big steps early to make fast progress and smaller steps later to settle into a minimum.</comment>
        <translation>阶梯衰减：每隔 step_size 轮，学习率乘以 gamma，所以训练早期迈大步、进展快，后期迈小步、稳稳落入极小值。</translation>
    </message>
    <message>
        <source>exponential</source>
        <comment>Exponential decay: the learning rate shrinks a little every epoch, smoothly, so that it has been multiplied by gamma after each step_size epochs. The same decay as step decay, without the jumps.</comment>
        <translation>指数衰减：学习率每轮平滑地缩小一点，使得每经过 step_size 轮就乘上 gamma。和阶梯衰减的总体衰减相同，只是没有跳变。</translation>
    </message>
    <message>
        <source>cosine</source>
        <comment>Cosine annealing: the learning rate follows half a cosine wave from its full value down to zero at the last epoch: it stays high for a while, then falls fastest in the middle and eases gently into the end.</comment>
        <translation>余弦退火：学习率沿半个余弦波从初始值降到最后一轮的零：先保持较高一段时间，中间下降最快，最后平缓地收尾。</translation>
    </message>
</context>
<context>
    <name>TimelineSlider</name>
    <message>
        <source>Training timeline</source>
        <translation>训练时间线</translation>
    </message>
    <message>
        <source>Slide back through the run: the curves, the decision boundary and the node previews show that epoch.</source>
        <translation>沿着这次运行往回滑：曲线、决策边界和节点预览会显示那一轮的样子。</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>No checkpoints yet</source>
        <translation>还没有检查点</translation>
    </message>
    <message>
        <source>Epoch {epoch} of {total}</source>
        <translation>第 {epoch} 轮，共 {total} 轮</translation>
    </message>
    <message>
        <source>training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>validation loss</source>
        <translation>验证损失</translation>
    </message>
</context>
<context>
    <name>Item</name>
    <message>
        <source>step</source>
        <comment>A choice in a list (the learning-rate schedule), where a word alone means something else than on an axis.</comment>
        <translation>阶梯</translation>
    </message>
</context>
</TS>
